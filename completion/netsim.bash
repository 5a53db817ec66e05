# bash completion for netsim                                    -*- shell-script -*-
#
# Completes verbs, each verb's options (read from `netsim VERB --help`, so they never go stale),
# lab names (directories of /run/netsim and nsim.<lab>.* network namespaces), node names of a lab
# (namespaces nsim.<lab>.<node>, except the lab's _fabric), topology files (*.yaml, *.yml) for
# FILE arguments, and commands after `netsim exec LAB NODE --`.
# Installed as share/bash-completion/completions/netsim; for a build tree:
#   source completion/netsim.bash
# Self-contained: does not need the bash-completion package's helpers.

_netsim_run_dir() { printf '%s\n' "${NETSIM_RUN_DIR:-/run/netsim}"; }

# The netsim being completed: the command as typed when it is a path, else `netsim` on PATH.
_netsim_bin() {
  local cmd="${COMP_WORDS[0]}"
  cmd="${cmd/#\~/$HOME}"
  if [[ "$cmd" == */* && -x "$cmd" ]]; then printf '%s\n' "$cmd"; else printf 'netsim\n'; fi
}

# Visible verbs, from the "Verbs:" section of `netsim --help`.
_netsim_verbs() {
  "$(_netsim_bin)" --help 2>/dev/null |
    awk '/^Verbs:/ {on = 1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}'
}

# Options of one verb: every --long and -s in its --help; with "arg", ones taking a value.
#   _netsim_verb_options VERB [arg]
_netsim_verb_options() {
  "$(_netsim_bin)" "$1" --help 2>/dev/null | awk -v want="${2:-}" '
    /^Options:/ {on = 1; next}
    on && /^$/ {exit}
    on && /^  -/ {
      line = $0; takes = (line ~ /^  (-[A-Za-z0-9] \[ --[a-z0-9-]+ \]|--[a-z0-9-]+) arg/)
      if (want == "arg" && !takes) next
      if (match(line, /^  -[A-Za-z0-9] \[ --[a-z0-9-]+ \]/)) {
        print substr(line, 3, 2); print substr(line, 8, RLENGTH - 9)
      } else if (match(line, /^  --[a-z0-9-]+/)) {
        print substr(line, 3, RLENGTH - 2)
      }
    }'
}

# Running labs: state directories and namespaces nsim.<lab>.<node>.
_netsim_labs() {
  {
    local d dir
    dir="$(_netsim_run_dir)"
    for d in "$dir"/*/; do [[ -d "$d" ]] && basename "$d"; done
    ip netns list 2>/dev/null | awk '{print $1}' | awk -F. '/^nsim\./ && NF >= 3 {print $2}'
  } | sort -u
}

# Nodes of a lab: namespaces nsim.<lab>.<node> without the lab's bridge namespace _fabric.
_netsim_nodes() {
  local lab="$1"
  ip netns list 2>/dev/null | awk '{print $1}' |
    awk -v p="nsim.$lab." 'index($0, p) == 1 {n = substr($0, length(p) + 1); if (n != "_fabric" && n !~ /\./) print n}' |
    sort -u
}

_netsim_files() {  # topology files and directories to descend into
  local IFS=$'\n' f
  compopt -o filenames 2>/dev/null
  for f in $(compgen -f -- "$1"); do
    if [[ -d "$f" || "$f" == *.yaml || "$f" == *.yml ]]; then COMPREPLY+=("$f"); fi
  done
}

_netsim_compreply() {  # COMPREPLY from a word list (names without blanks) and the current word
  COMPREPLY+=($(compgen -W "$1" -- "$2"))
}

_netsim() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev=""
  ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD - 1]}"
  COMPREPLY=()

  # The verb: the first word after global flags.
  local i=1 verb=""
  while ((i < COMP_CWORD)); do
    case "${COMP_WORDS[i]}" in
      -v | --verbose) ((i++)) ;;
      *) verb="${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$verb" ]]; then
    if [[ "$cur" == -* ]]; then
      _netsim_compreply "--help --version --verbose -v" "$cur"
    else
      _netsim_compreply "$(_netsim_verbs)" "$cur"
    fi
    return 0
  fi

  # After `exec LAB NODE --`: complete the command to run inside the node.
  local j
  for ((j = i + 1; j < COMP_CWORD; j++)); do
    if [[ "${COMP_WORDS[j]}" == "--" && "$verb" == exec ]]; then
      if ((COMP_CWORD == j + 1)); then
        COMPREPLY=($(compgen -c -- "$cur"))
      else
        compopt -o default 2>/dev/null
      fi
      return 0
    fi
  done

  # The value of an option.
  local argopts
  argopts=" $(_netsim_verb_options "$verb" arg | tr '\n' ' ') "
  if [[ "$prev" == -* && "$argopts" == *" $prev "* ]]; then
    case "$prev" in
      --file | --junit | -o | --output | -w | --write | --probe) _netsim_files "$cur" ;;
      --pcap) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
      --proto) _netsim_compreply "tcp udp icmp" "$cur" ;;
      --lab) [[ "$verb" != up && "$verb" != plan ]] && _netsim_compreply "$(_netsim_labs)" "$cur" ;;
      --action) _netsim_compreply "ACCEPT REJECT" "$cur" ;;
      --node) ((${#COMP_WORDS[@]} > i + 1)) && _netsim_compreply "$(_netsim_nodes "${COMP_WORDS[i + 1]}")" "$cur" ;;
    esac
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    _netsim_compreply "$(_netsim_verb_options "$verb")" "$cur"
    return 0
  fi

  # Positional arguments before this word (option values skipped).
  local -a pos=()
  for ((j = i + 1; j < COMP_CWORD; j++)); do
    local w="${COMP_WORDS[j]}"
    if [[ "$w" == -* ]]; then
      [[ "$argopts" == *" $w "* ]] && ((j++))
      continue
    fi
    pos+=("$w")
  done
  local n=${#pos[@]}

  case "$verb" in
    validate | plan | graph | up) ((n == 0)) && _netsim_files "$cur" ;;
    import) _netsim_files "$cur" ;;  # CloudFormation templates (YAML or JSON)
    path) ((n == 0)) && _netsim_files "$cur" ;;  # [FILE] FROM TO: node names come from the file
    down) _netsim_compreply "$(_netsim_labs)" "$cur" ;;
    status | check | report | flows) ((n == 0)) && _netsim_compreply "$(_netsim_labs)" "$cur" ;;
    exec | shell | stats | capture | trace)
      if ((n == 0)); then
        _netsim_compreply "$(_netsim_labs)" "$cur"
      elif ((n == 1)) || { [[ "$verb" == trace ]] && ((n == 2)); }; then
        _netsim_compreply "$(_netsim_nodes "${pos[0]}")" "$cur"
      elif [[ "$verb" == exec ]] && ((n == 2)); then
        _netsim_compreply "--" "$cur"
      fi
      ;;
  esac
  return 0
}

complete -F _netsim netsim
