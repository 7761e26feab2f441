function __bridgectl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __bridgectl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __bridgectl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __bridgectl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __bridgectl_parse_tokens -S
    set -l unparsed_tokens (__bridgectl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'bridgectl'
        __bridgectl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'network'
            __bridgectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __bridgectl_parse_subcommand 1 'root=' 'firewall=' 'dry-run' 'd/driver=' 'subnet=' 'gateway=' 'ip-range=' 'aux-address=+' 'internal' 'ipv6' 'o/opt=+' 'label=+' 'v/verbose' 'version' 'h/help'
            case 'ls'
                __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'q/quiet' 'format=' 'f/filter=+' 'no-trunc' 'version' 'h/help'
            case 'inspect'
                __bridgectl_parse_subcommand -r 1 'root=' 'firewall=' 'f/format=' 'version' 'h/help'
            case 'rm'
                __bridgectl_parse_subcommand -r 1 'root=' 'firewall=' 'dry-run' 'version' 'h/help'
            case 'prune'
                __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'dry-run' 'f/force' 'version' 'h/help'
            case 'connect'
                __bridgectl_parse_subcommand 2 'root=' 'firewall=' 'dry-run' 'ip=' 'alias=+' 'version' 'h/help'
            case 'disconnect'
                __bridgectl_parse_subcommand 2 'root=' 'firewall=' 'dry-run' 'f/force' 'version' 'h/help'
            end
        case 'container'
            __bridgectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __bridgectl_parse_subcommand 1 'root=' 'firewall=' 'dry-run' 'network=+' 'ip=' 'alias=+' 'h/hostname=' 'dns=+' 'dns-search=+' 'add-host=+' 'p/publish=+' 'version' 'help'
            case 'ls'
                __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'q/quiet' 'format=' 'no-trunc' 'version' 'h/help'
            case 'inspect'
                __bridgectl_parse_subcommand -r 1 'root=' 'firewall=' 'f/format=' 'version' 'h/help'
            case 'rm'
                __bridgectl_parse_subcommand -r 1 'root=' 'firewall=' 'dry-run' 'f/force' 'version' 'h/help'
            case 'prune'
                __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'dry-run' 'f/force' 'version' 'h/help'
            end
        case 'exec'
            __bridgectl_parse_subcommand -r 2 'root=' 'firewall=' 'e/env=+' 'd/detach' 'version' 'h/help'
        case 'run'
            __bridgectl_parse_subcommand -r 1 'root=' 'firewall=' 'name=' 'd/detach' 'rm' 'e/env=+' 'network=+' 'ip=' 'alias=+' 'h/hostname=' 'dns=+' 'dns-search=+' 'add-host=+' 'p/publish=+' 'version' 'help'
        case 'port'
            __bridgectl_parse_subcommand 2 'root=' 'firewall=' 'version' 'h/help'
        case 'dns'
            __bridgectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'format=' 'version' 'h/help'
            case 'log'
                __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'n/tail=' 'version' 'h/help'
            end
        case 'doctor'
            __bridgectl_parse_subcommand 1 'root=' 'firewall=' 'dry-run' 'fix' 'format=' 'version' 'h/help'
        case 'restore'
            __bridgectl_parse_subcommand 0 'root=' 'firewall=' 'dry-run' 'version' 'h/help'
        case 'explain'
            __bridgectl_parse_subcommand 1 'root=' 'firewall=' 'format=' 'version' 'h/help'
        case 'trace'
            __bridgectl_parse_subcommand 2 'root=' 'firewall=' 'watch' 'timeout=' 'version' 'h/help'
        case 'sandbox'
            __bridgectl_parse_subcommand -r 1 'uplink' 'version' 'h/help'
        case 'help'
            __bridgectl_parse_subcommand -r 1 'version'
        end
    end
end

function __bridgectl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __bridgectl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __bridgectl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __bridgectl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__bridgectl_tokens -p)
    if test -z "$(__bridgectl_tokens -t)"
        set -l index (count (__bridgectl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'bridgectl' -f
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'network' -d 'Manage bridge networks.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'container' -d 'Manage containers: named network namespaces (ip netns compatible).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'exec' -d 'Run a command inside a container, exactly as \'ip netns exec\' would; exit with its status.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'run' -d 'Create a container and run a command in it (create + exec).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'port' -d 'List a container\'s published ports, as \'docker port\' does.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'dns' -d 'The embedded DNS resolver (127.0.0.11 in containers on user-defined networks).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'doctor' -d 'Compare the host with bridgectl\'s state and say what drifted (exit 1 when something did).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'restore' -d 'Rebuild on this host everything bridgectl\'s state holds (after a reboot or a firewall flush).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'explain' -d 'Draw the networks as the kernel holds them: bridges, veth pairs, containers, the rules in words, and what drifted.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'trace' -d 'Send one packet and show its path through the host\'s firewall: each rule it matched, in words, and the verdict.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'sandbox' -d 'Run a command as root in a new throwaway host; exit with its status.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'create' -d 'Create a bridge network and print its ID.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'ls' -d 'List networks.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'inspect' -d 'Show networks as Docker-shaped JSON.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'rm' -d 'Remove networks.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'prune' -d 'Remove all networks no container uses.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'connect' -d 'Connect a container to a network.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl network" -eq 1' -fa 'disconnect' -d 'Disconnect a container from a network.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" d driver' -s 'd' -l 'driver' -d 'Driver to manage the network (only \'bridge\').' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" subnet' -l 'subnet' -d 'Subnet in CIDR format, e.g. 172.20.0.0/16.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" gateway' -l 'gateway' -d 'Gateway address (default: first host address of the subnet).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" ip-range' -l 'ip-range' -d 'Allocate container addresses from this sub-range (CIDR).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create"' -l 'aux-address' -d 'Address IPAM must never hand out.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" internal' -l 'internal' -d 'Restrict external access to the network.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" ipv6' -l 'ipv6' -d 'Enable IPv6 (not supported yet).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create"' -s 'o' -l 'opt' -d 'Driver option (Docker\'s keys).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create"' -l 'label' -d 'Metadata on the network.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" v verbose' -l 'verbose' -s 'v' -d 'Say which default subnets were skipped and why.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" q quiet' -l 'quiet' -s 'q' -d 'Only display network IDs.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" format' -l 'format' -d 'Output format: table or json.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls"' -s 'f' -l 'filter' -d 'Filter: name=X (substring), id=PREFIX, driver=X.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" no-trunc' -l 'no-trunc' -d 'Do not truncate IDs.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network inspect" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network inspect" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network inspect" f format' -s 'f' -l 'format' -d 'json (default) or a Go template, e.g. \'{{(index .IPAM.Config 0).Gateway}}\'.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network inspect" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network rm" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network rm" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network rm" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network rm" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network prune" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network prune" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network prune" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network prune" f force' -l 'force' -s 'f' -d 'Do not prompt for confirmation (bridgectl never prompts).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network prune" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect" ip' -l 'ip' -d 'IPv4 address on the network.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect"' -l 'alias' -d 'Network-scoped alias for the container.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network connect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network disconnect" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network disconnect" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network disconnect" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network disconnect" f force' -l 'force' -s 'f' -d 'Accepted for Docker compatibility: removal always tolerates devices already gone.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network disconnect" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl network disconnect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl container" -eq 1' -fa 'create' -d 'Create a container (a named network namespace) and print its ID.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl container" -eq 1' -fa 'ls' -d 'List containers.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl container" -eq 1' -fa 'inspect' -d 'Show containers as Docker-shaped JSON.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl container" -eq 1' -fa 'rm' -d 'Remove containers.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl container" -eq 1' -fa 'prune' -d 'Remove all containers with no process running inside.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create"' -l 'network' -l 'net' -d 'Network to attach (repeatable; eth0, eth1, ... in order). Default: bridge.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" ip' -l 'ip' -d 'IPv4 address on the first network.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create"' -l 'alias' -l 'network-alias' -d 'Network-scoped alias (user-defined networks).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" h hostname' -s 'h' -l 'hostname' -d 'Hostname inside the container (default: its name).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create"' -l 'dns' -d 'DNS server for the container\'s resolv.conf (repeatable).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create"' -l 'dns-search' -d 'DNS search domain (repeatable).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create"' -l 'add-host' -d 'Extra /etc/hosts entry (repeatable).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create"' -s 'p' -l 'publish' -d 'Publish a port: [HOSTIP:][HOSTPORT:]CPORT[/tcp|udp], ranges allowed.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container create" help' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" q quiet' -l 'quiet' -s 'q' -d 'Only display container IDs.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" format' -l 'format' -d 'Output format: table or json.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" no-trunc' -l 'no-trunc' -d 'Do not truncate IDs.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container inspect" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container inspect" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container inspect" f format' -s 'f' -l 'format' -d 'json (default) or a Go template, e.g. \'{{.NetworkSettings.Networks}}\'.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container inspect" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container rm" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container rm" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container rm" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container rm" f force' -l 'force' -s 'f' -d 'Also kill the processes running inside.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container rm" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container prune" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container prune" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container prune" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container prune" f force' -l 'force' -s 'f' -d 'Do not prompt for confirmation (bridgectl never prompts).'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container prune" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl container prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl exec" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl exec" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl exec"' -s 'e' -l 'env' -d 'Set an environment variable.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl exec" d detach' -l 'detach' -s 'd' -d 'Run in the background (new session, output to /dev/null); print its PID.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl exec" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl exec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" name' -l 'name' -d 'Container name (default: a generated one).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" d detach' -l 'detach' -s 'd' -d 'Run the command in the background and print the container ID.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" rm' -l 'rm' -d 'Remove the container when the command exits.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -s 'e' -l 'env' -d 'Set an environment variable.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -l 'network' -l 'net' -d 'Network to attach (repeatable; eth0, eth1, ... in order). Default: bridge.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" ip' -l 'ip' -d 'IPv4 address on the first network.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -l 'alias' -l 'network-alias' -d 'Network-scoped alias (user-defined networks).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" h hostname' -s 'h' -l 'hostname' -d 'Hostname inside the container (default: its name).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -l 'dns' -d 'DNS server for the container\'s resolv.conf (repeatable).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -l 'dns-search' -d 'DNS search domain (repeatable).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -l 'add-host' -d 'Extra /etc/hosts entry (repeatable).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run"' -s 'p' -l 'publish' -d 'Publish a port: [HOSTIP:][HOSTPORT:]CPORT[/tcp|udp], ranges allowed.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl run" help' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl port" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl port" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl port" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl port" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl dns" -eq 1' -fa 'status' -d 'Show the resolver process, the namespaces it serves and its counters.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_positional "bridgectl dns" -eq 1' -fa 'log' -d 'Show recent queries: who asked, what, the answer or upstream, how long.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns status" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns status" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns status" format' -l 'format' -d 'Output format: text or json.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns status" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns log" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns log" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns log" n tail' -s 'n' -l 'tail' -d 'How many queries (newest last).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns log" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl dns log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" fix' -l 'fix' -d 'Repair what drifted and remove bridgectl\'s orphans.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" format' -l 'format' -d 'Output format: text or json.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl restore" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl restore" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl restore" dry-run' -l 'dry-run' -d 'Change nothing; print the equivalent ip/sysctl commands, in order.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl restore" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl restore" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl explain" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl explain" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl explain" format' -l 'format' -d 'Output format: text, dot, mermaid or svg.' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl explain" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl trace" root' -l 'root' -d 'State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl trace" firewall' -l 'firewall' -d 'Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl trace" watch' -l 'watch' -d 'Send nothing: wait for the next matching packet and trace it.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl trace" timeout' -l 'timeout' -d 'How long to wait, in seconds (default: 3, with --watch 30).' -rfka ''
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl trace" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl trace" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl sandbox" uplink' -l 'uplink' -d 'Add a fake internet at 203.0.113.1 (ping, TCP port 80, DNS) behind a default route.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl sandbox" version' -l 'version' -d 'Show the version.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl sandbox" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'bridgectl' -n '__bridgectl_should_offer_completions_for_flags_or_options "bridgectl help" version' -l 'version' -d 'Show the version.'
