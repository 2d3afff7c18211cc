# shellcheck shell=bash
# Small helpers shared by scripts/test and scripts/dev-postgres. Sourced, not run.

# step announces one step of the script on one line.
step() { printf '==> %s\n' "$*" >&2; }

# note prints a detail under the current step.
note() { printf '    %s\n' "$*" >&2; }

# die prints an error and exits.
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# as_root runs a command as root: directly when root, else through sudo.
# Returns 1 without running it when neither is possible.
as_root() {
	if is_root; then
		"$@"
	elif have sudo; then
		sudo "$@"
	else
		return 1
	fi
}
