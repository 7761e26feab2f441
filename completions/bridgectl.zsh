#compdef bridgectl

__bridgectl_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__bridgectl_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __bridgectl_complete "${completions[@]:0:-1}"
    fi
}

__bridgectl_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_bridgectl() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'network:Manage bridge networks.'
            'container:Manage containers: named network namespaces (ip netns compatible).'
            'exec:Run a command inside a container, exactly as '\''ip netns exec'\'' would; exit with its status.'
            'run:Create a container and run a command in it (create + exec).'
            'port:List a container'\''s published ports, as '\''docker port'\'' does.'
            'dns:The embedded DNS resolver (127.0.0.11 in containers on user-defined networks).'
            'doctor:Compare the host with bridgectl'\''s state and say what drifted (exit 1 when something did).'
            'restore:Rebuild on this host everything bridgectl'\''s state holds (after a reboot or a firewall flush).'
            'explain:Draw the networks as the kernel holds them: bridges, veth pairs, containers, the rules in words, and what drifted.'
            'trace:Send one packet and show its path through the host'\''s firewall: each rule it matched, in words, and the verdict.'
            'sandbox:Run a command as root in a new throwaway host; exit with its status.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        network|container|exec|run|port|dns|doctor|restore|explain|trace|sandbox|help)
            "_bridgectl_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_bridgectl_network() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Create a bridge network and print its ID.'
            'ls:List networks.'
            'inspect:Show networks as Docker-shaped JSON.'
            'rm:Remove networks.'
            'prune:Remove all networks no container uses.'
            'connect:Connect a container to a network.'
            'disconnect:Disconnect a container from a network.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create|ls|inspect|rm|prune|connect|disconnect)
            "_bridgectl_network_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_bridgectl_network_create() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '(-d --driver)'{-d,--driver}'[Driver to manage the network (only '\''bridge'\'').]:driver:'
        '--subnet[Subnet in CIDR format, e.g. 172.20.0.0/16.]:subnet:'
        '--gateway[Gateway address (default\: first host address of the subnet).]:gateway:'
        '--ip-range[Allocate container addresses from this sub-range (CIDR).]:ip-range:'
        '*--aux-address[Address IPAM must never hand out.]:name=ip:'
        '--internal[Restrict external access to the network.]'
        '--ipv6[Enable IPv6 (not supported yet).]'
        '*'{-o,--opt}'[Driver option (Docker'\''s keys).]:key=value:'
        '*--label[Metadata on the network.]:key=value:'
        '(--verbose -v)'{--verbose,-v}'[Say which default subnets were skipped and why.]'
        ':name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_network_ls() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '(--quiet -q)'{--quiet,-q}'[Only display network IDs.]'
        '--format[Output format\: table or json.]:format:'
        '*'{-f,--filter}'[Filter\: name=X (substring), id=PREFIX, driver=X.]:filter:'
        '--no-trunc[Do not truncate IDs.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_network_inspect() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '(-f --format)'{-f,--format}'[json (default) or a Go template, e.g. '\''{{(index .IPAM.Config 0).Gateway}}'\''.]:format:'
        '*:networks:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_network_rm() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '*:networks:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_network_prune() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '(--force -f)'{--force,-f}'[Do not prompt for confirmation (bridgectl never prompts).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_network_connect() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '--ip[IPv4 address on the network.]:ip:'
        '*--alias[Network-scoped alias for the container.]:alias:'
        ':network:'
        ':container:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_network_disconnect() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '(--force -f)'{--force,-f}'[Accepted for Docker compatibility\: removal always tolerates devices already gone.]'
        ':network:'
        ':container:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_container() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Create a container (a named network namespace) and print its ID.'
            'ls:List containers.'
            'inspect:Show containers as Docker-shaped JSON.'
            'rm:Remove containers.'
            'prune:Remove all containers with no process running inside.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create|ls|inspect|rm|prune)
            "_bridgectl_container_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_bridgectl_container_create() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '*'{--network,--net}'[Network to attach (repeatable; eth0, eth1, ... in order). Default\: bridge.]:network:'
        '--ip[IPv4 address on the first network.]:ip:'
        '*'{--alias,--network-alias}'[Network-scoped alias (user-defined networks).]:alias:'
        '(-h --hostname)'{-h,--hostname}'[Hostname inside the container (default\: its name).]:hostname:'
        '*--dns[DNS server for the container'\''s resolv.conf (repeatable).]:dns:'
        '*--dns-search[DNS search domain (repeatable).]:dns-search:'
        '*--add-host[Extra /etc/hosts entry (repeatable).]:name\:ip|name\:host-gateway:'
        '*'{-p,--publish}'[Publish a port\: \[HOSTIP\:\]\[HOSTPORT\:\]CPORT\[/tcp|udp\], ranges allowed.]:spec:'
        ':name:'
        '--version[Show the version.]'
        '--help[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_container_ls() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '(--quiet -q)'{--quiet,-q}'[Only display container IDs.]'
        '--format[Output format\: table or json.]:format:'
        '--no-trunc[Do not truncate IDs.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_container_inspect() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '(-f --format)'{-f,--format}'[json (default) or a Go template, e.g. '\''{{.NetworkSettings.Networks}}'\''.]:format:'
        '*:containers:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_container_rm() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '(--force -f)'{--force,-f}'[Also kill the processes running inside.]'
        '*:containers:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_container_prune() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '(--force -f)'{--force,-f}'[Do not prompt for confirmation (bridgectl never prompts).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_exec() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '*'{-e,--env}'[Set an environment variable.]:key=value:'
        '(--detach -d)'{--detach,-d}'[Run in the background (new session, output to /dev/null); print its PID.]'
        ':container:'
        '*:command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_run() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--name[Container name (default\: a generated one).]:name:'
        '(--detach -d)'{--detach,-d}'[Run the command in the background and print the container ID.]'
        '--rm[Remove the container when the command exits.]'
        '*'{-e,--env}'[Set an environment variable.]:key=value:'
        '*'{--network,--net}'[Network to attach (repeatable; eth0, eth1, ... in order). Default\: bridge.]:network:'
        '--ip[IPv4 address on the first network.]:ip:'
        '*'{--alias,--network-alias}'[Network-scoped alias (user-defined networks).]:alias:'
        '(-h --hostname)'{-h,--hostname}'[Hostname inside the container (default\: its name).]:hostname:'
        '*--dns[DNS server for the container'\''s resolv.conf (repeatable).]:dns:'
        '*--dns-search[DNS search domain (repeatable).]:dns-search:'
        '*--add-host[Extra /etc/hosts entry (repeatable).]:name\:ip|name\:host-gateway:'
        '*'{-p,--publish}'[Publish a port\: \[HOSTIP\:\]\[HOSTPORT\:\]CPORT\[/tcp|udp\], ranges allowed.]:spec:'
        '*:command:'
        '--version[Show the version.]'
        '--help[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_port() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        ':container:'
        ':port:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_dns() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'status:Show the resolver process, the namespaces it serves and its counters.'
            'log:Show recent queries: who asked, what, the answer or upstream, how long.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        status|log)
            "_bridgectl_dns_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_bridgectl_dns_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--format[Output format\: text or json.]:format:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_dns_log() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '(-n --tail)'{-n,--tail}'[How many queries (newest last).]:tail:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_doctor() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '--fix[Repair what drifted and remove bridgectl'\''s orphans.]'
        '--format[Output format\: text or json.]:format:'
        ':scope:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_restore() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--dry-run[Change nothing; print the equivalent ip/sysctl commands, in order.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_explain() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--format[Output format\: text, dot, mermaid or svg.]:format:'
        ':scope:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_trace() {
    local -i ret=1
    local -ar arg_specs=(
        '--root[State directory (default\: $BRIDGECTL_ROOT or /var/lib/bridgectl).]:dir:'
        '--firewall[Firewall backend for networks this host activates from now on\: iptables (default) or nftables; kept in the state root (default\: $BRIDGECTL_FIREWALL).]:backend:'
        '--watch[Send nothing\: wait for the next matching packet and trace it.]'
        '--timeout[How long to wait, in seconds (default\: 3, with --watch 30).]:seconds:'
        ':source:'
        ':destination:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_sandbox() {
    local -i ret=1
    local -ar arg_specs=(
        '--uplink[Add a fake internet at 203.0.113.1 (ping, TCP port 80, DNS) behind a default route.]'
        '*:command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_bridgectl_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _bridgectl ]]; then
    _bridgectl "${@}"
else
    compdef _bridgectl bridgectl
fi
