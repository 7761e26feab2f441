#!/bin/bash

__bridgectl_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__bridgectl_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__bridgectl_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__bridgectl_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_bridgectl() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __bridgectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    network|container|exec|run|port|dns|doctor|restore|explain|trace|sandbox|help)
        # Offer subcommand argument completions
        "_bridgectl_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'network container exec run port dns doctor restore explain trace sandbox help' -- "${cur}"))
        ;;
    esac
}

_bridgectl_network() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __bridgectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|ls|inspect|rm|prune|connect|disconnect)
        # Offer subcommand argument completions
        "_bridgectl_network_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create ls inspect rm prune connect disconnect' -- "${cur}"))
        ;;
    esac
}

_bridgectl_network_create() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --internal --ipv6 --verbose -v --version -h --help)
    repeating_options=(--aux-address -o --opt --label)
    non_repeating_options=(--root --firewall -d --driver --subnet --gateway --ip-range)
    __bridgectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '-d'|'--driver')
        return
        ;;
    '--subnet')
        return
        ;;
    '--gateway')
        return
        ;;
    '--ip-range')
        return
        ;;
    '--aux-address')
        return
        ;;
    '-o'|'--opt')
        return
        ;;
    '--label')
        return
        ;;
    esac
}

_bridgectl_network_ls() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --no-trunc --version -h --help)
    repeating_options=(-f --filter)
    non_repeating_options=(--root --firewall --format)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--format')
        return
        ;;
    '-f'|'--filter')
        return
        ;;
    esac
}

_bridgectl_network_inspect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall -f --format)
    __bridgectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '-f'|'--format')
        return
        ;;
    esac
}

_bridgectl_network_rm() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_network_prune() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_network_connect() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --version -h --help)
    repeating_options=(--alias)
    non_repeating_options=(--root --firewall --ip)
    __bridgectl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--ip')
        return
        ;;
    '--alias')
        return
        ;;
    esac
}

_bridgectl_network_disconnect() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_container() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __bridgectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|ls|inspect|rm|prune)
        # Offer subcommand argument completions
        "_bridgectl_container_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create ls inspect rm prune' -- "${cur}"))
        ;;
    esac
}

_bridgectl_container_create() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --version --help)
    repeating_options=(--network --net --alias --network-alias --dns --dns-search --add-host -p --publish)
    non_repeating_options=(--root --firewall --ip -h --hostname)
    __bridgectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--network'|'--net')
        return
        ;;
    '--ip')
        return
        ;;
    '--alias'|'--network-alias')
        return
        ;;
    '-h'|'--hostname')
        return
        ;;
    '--dns')
        return
        ;;
    '--dns-search')
        return
        ;;
    '--add-host')
        return
        ;;
    '-p'|'--publish')
        return
        ;;
    esac
}

_bridgectl_container_ls() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --no-trunc --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall --format)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_bridgectl_container_inspect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall -f --format)
    __bridgectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '-f'|'--format')
        return
        ;;
    esac
}

_bridgectl_container_rm() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_container_prune() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_exec() {
    repeating_flags=()
    non_repeating_flags=(--detach -d --version -h --help)
    repeating_options=(-e --env)
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '-e'|'--env')
        return
        ;;
    esac
}

_bridgectl_run() {
    repeating_flags=()
    non_repeating_flags=(--detach -d --rm --version --help)
    repeating_options=(-e --env --network --net --alias --network-alias --dns --dns-search --add-host -p --publish)
    non_repeating_options=(--root --firewall --name --ip -h --hostname)
    __bridgectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--name')
        return
        ;;
    '-e'|'--env')
        return
        ;;
    '--network'|'--net')
        return
        ;;
    '--ip')
        return
        ;;
    '--alias'|'--network-alias')
        return
        ;;
    '-h'|'--hostname')
        return
        ;;
    '--dns')
        return
        ;;
    '--dns-search')
        return
        ;;
    '--add-host')
        return
        ;;
    '-p'|'--publish')
        return
        ;;
    esac
}

_bridgectl_port() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_dns() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __bridgectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    status|log)
        # Offer subcommand argument completions
        "_bridgectl_dns_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'status log' -- "${cur}"))
        ;;
    esac
}

_bridgectl_dns_status() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall --format)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_bridgectl_dns_log() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall -n --tail)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '-n'|'--tail')
        return
        ;;
    esac
}

_bridgectl_doctor() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --fix --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall --format)
    __bridgectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_bridgectl_restore() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall)
    __bridgectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    esac
}

_bridgectl_explain() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall --format)
    __bridgectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_bridgectl_trace() {
    repeating_flags=()
    non_repeating_flags=(--watch --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --firewall --timeout)
    __bridgectl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--firewall')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_bridgectl_sandbox() {
    repeating_flags=()
    non_repeating_flags=(--uplink --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __bridgectl_offer_flags_options -1
}

_bridgectl_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __bridgectl_offer_flags_options -1
}

complete -o filenames -F _bridgectl bridgectl
