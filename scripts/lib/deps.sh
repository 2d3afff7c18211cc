# shellcheck shell=bash
# Finding and installing the system packages the tests need (Debian's apt).
# Sourced after common.sh.

# pg_bindir prints the directory holding initdb and pg_ctl: the newest
# /usr/lib/postgresql/*/bin (Debian's layout, not on PATH), else PATH.
pg_bindir() {
	local dir
	# shellcheck disable=SC2012 # plain directory names
	dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
		printf '%s\n' "$dir"
		return 0
	fi
	if have initdb && have pg_ctl; then
		dirname "$(command -v initdb)"
		return 0
	fi
	return 1
}

# chromium_path prints the Chromium to use: $PASSERELLE_CHROMIUM if set,
# else the first chromium on PATH.
chromium_path() {
	if [[ -n ${PASSERELLE_CHROMIUM:-} ]]; then
		command -v "$PASSERELLE_CHROMIUM" 2>/dev/null && return 0
		return 1
	fi
	local c
	for c in chromium chromium-browser; do
		command -v "$c" 2>/dev/null && return 0
	done
	return 1
}

deb_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# ensure_packages installs the Debian packages named by the arguments that
# are missing; "postgresql" and "chromium" count as present when their
# programs are found, however they were installed.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		case $pkg in
		postgresql) pg_bindir >/dev/null || missing+=("$pkg") ;;
		chromium) chromium_path >/dev/null || missing+=("$pkg") ;;
		*) if have dpkg-query; then deb_installed "$pkg" || missing+=("$pkg"); fi ;;
		esac
	done
	if ((${#missing[@]} == 0)); then
		note "already installed: $*"
		return 0
	fi

	local cmd="apt-get install -y --no-install-recommends ${missing[*]}"
	if ! have apt-get; then
		die "missing: ${missing[*]}; this is not a Debian-like system, install them yourself (PostgreSQL server, Chromium, DejaVu fonts)"
	fi
	if ! is_root && ! have sudo; then
		die "missing: ${missing[*]}; not root and no sudo: run as root 'apt-get update && $cmd'"
	fi

	note "installing: ${missing[*]}"
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
	# One update per run, only because something must be installed. A
	# failing third-party source must not stop Debian's packages.
	as_root "${apt[@]}" update || note "apt-get update reported errors; trying to install anyway"
	as_root "${apt[@]}" install -y --no-install-recommends "${missing[@]}" ||
		die "could not install: ${missing[*]} (try: sudo apt-get update && sudo $cmd)"
}
