# shellcheck shell=bash
# Real CNI runtimes (podman 4.3, containerd 1.6's ctr) inside a test's throwaway host. Sourced after
# lib.sh by test_cni_*.sh; see ../shared/research/cni-runtimes.md for what the runtimes need and pass.
#
#   runtimes_require podman|containerd ...   skip (exit 77, with the reason) when one is not installed
#   runtimes_private_host                    the mounts below; call it once, before any runtime runs
#   runtimes_busybox_rootfs                  sets BUSYBOX_ROOTFS_TAR (a busybox-static rootfs)
#   podman_setup / pm ARGS...                private podman (CNI backend, vfs, cgroupfs) / run it
#   containerd_start / ctr_ ARGS...          a private containerd, stopped by PID at the end / ctr
#   cni_conflist NAME SUBNET [CHAIN...]      writes the conflist of a network for the plugin under test
#
# CNI_PLUGIN_UNDER_TEST: `bridgectl` (default: the binary under test, linked into the CNI bin dirs
# as `bridgectl`) or `bridge` (the upstream bridge plugin + host-local, to prove the runtime
# plumbing without bridgectl). Checks that only bridgectl can pass go under `if under_bridgectl`.
#
# What the throwaway host (`bridgectl sandbox`) lacks for runtimes, added here in the test's own
# mount namespace (so nothing reaches the real disk):
#   * tmpfs over /var/lib (libcni's result cache, host-local's leases, /var/lib/containers), with
#     the test's BRIDGECTL_ROOT bound on /var/lib/bridgectl (a plugin run without our environment
#     uses the default root: it must be the same state);
#     /var/tmp (podman import), /dev/shm (podman's lock file) and /opt (/opt/cni/bin);
#   * /sys/fs/cgroup: the sandbox's fresh sysfs has no cgroup mounts, so the v1 hierarchies are
#     mounted again (not the cgroup2 `unified` one: crun refuses hybrid mode; runc works either way).
# cgroupfs is not namespaced: a cgroup directory made here IS the real host's. Every container gets
# a parent cgroup with a name unique to this test run (RUNTIMES_CGROUP_PARENT), and the exit trap
# removes that name from each hierarchy, deepest first, after the runtimes are stopped.

CNI_PLUGIN_UNDER_TEST=${CNI_PLUGIN_UNDER_TEST:-bridgectl}
RUNTIMES_DIR=/run/cni-runtimes
CNI_BIN_DIR=$RUNTIMES_DIR/bin
CNI_CONF_DIR=$RUNTIMES_DIR/net.d
# Unique per run: parallel test runs (other engineers, CI) share the real host's cgroup trees.
RUNTIMES_CGROUP_PARENT=bridgectl-test-$(cut -c1-8 /proc/sys/kernel/random/uuid)
RUNTIMES_CGROUP_HIERARCHIES=(cpu cpuacct cpuset memory devices freezer blkio pids systemd)
CONTAINERD_PID=
_RUNTIMES_PODMAN=0

under_bridgectl() {
	[[ $CNI_PLUGIN_UNDER_TEST == bridgectl ]]
}

runtimes_require() {
	local need missing=()
	for need in "$@"; do
		case $need in
		podman) command -v podman >/dev/null || missing+=("podman (Debian package podman)") ;;
		containerd)
			command -v containerd >/dev/null || missing+=("containerd (Debian package containerd)")
			command -v ctr >/dev/null || missing+=("ctr (Debian package containerd)")
			;;
		esac
	done
	command -v runc >/dev/null || missing+=("runc (Debian package runc)")
	[[ -x /bin/busybox ]] && /bin/busybox --list >/dev/null 2>&1 || missing+=("busybox (Debian package busybox-static)")
	[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || missing+=("/usr/lib/cni plugins (Debian package containernetworking-plugins)")
	case $CNI_PLUGIN_UNDER_TEST in
	bridge | bridgectl) ;;
	*) die "CNI_PLUGIN_UNDER_TEST is bridgectl or bridge" "got: $CNI_PLUGIN_UNDER_TEST" ;;
	esac
	if ((${#missing[@]})); then
		skip "not installed: ${missing[*]} (scripts/install-deps --runtimes installs them)"
	fi
	if under_bridgectl; then
		# The binary answers as a CNI plugin only once issue 11's plugin is in: say so in one line
		# instead of a cascade of failed runtime commands.
		local version
		version=$(CNI_COMMAND=VERSION "$BRIDGECTL" <<<'{"cniVersion":"1.0.0"}' 2>&1) || true
		[[ $version == *supportedVersions* ]] ||
			die "bridgectl answers CNI VERSION (no arguments, CNI_COMMAND=VERSION)" "got: ${version:0:300}"
	fi
}

runtimes_private_host() {
	local dir hierarchy
	for dir in /var/lib /var/tmp /dev/shm /opt; do
		mount -t tmpfs -o mode=0755 "runtimes-${dir//\//-}" "$dir"
	done
	chmod 1777 /var/tmp /dev/shm
	# podman's DEL after a container exits by itself comes from `podman container cleanup`, which
	# conmon starts with a bare environment (no BRIDGECTL_ROOT): the plugin then uses the default
	# state root. Make that the test's root too.
	mkdir -p /var/lib/bridgectl
	mount --bind "$BRIDGECTL_ROOT" /var/lib/bridgectl
	mkdir -p /sys/fs/cgroup
	mount -t tmpfs -o mode=0755 runtimes-cgroup /sys/fs/cgroup
	mkdir -p /sys/fs/cgroup/cpu
	if ! mount -t cgroup -o cpu cgroup /sys/fs/cgroup/cpu 2>/dev/null; then
		# A host with every controller on cgroup2 (no v1 hierarchy to mount): the unified tree alone.
		umount /sys/fs/cgroup
		mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
			die "cgroups can be mounted in the throwaway host" "neither cgroup v1 (cpu) nor cgroup2 mounts on /sys/fs/cgroup"
		RUNTIMES_CGROUP_HIERARCHIES=("")
	fi
	for hierarchy in "${RUNTIMES_CGROUP_HIERARCHIES[@]}"; do
		[[ -n $hierarchy && $hierarchy != cpu ]] || continue
		mkdir -p "/sys/fs/cgroup/$hierarchy"
		if [[ $hierarchy == systemd ]]; then
			run mount -t cgroup -o none,name=systemd cgroup "/sys/fs/cgroup/$hierarchy"
		else
			run mount -t cgroup -o "$hierarchy" cgroup "/sys/fs/cgroup/$hierarchy"
		fi
		[[ $RC -eq 0 ]] || die "cgroup v1 hierarchy $hierarchy mounts in the throwaway host" "$ERR"
	done

	mkdir -p "$CNI_BIN_DIR" "$CNI_CONF_DIR" /opt/cni/bin
	# One bin dir for both runtimes: /opt/cni/bin is the only one ctr knows.
	for plugin in /usr/lib/cni/*; do
		ln -s "$plugin" "/opt/cni/bin/${plugin##*/}"
	done
	ln -sf "$BRIDGECTL" /opt/cni/bin/bridgectl
	ln -s /opt/cni/bin/* "$CNI_BIN_DIR/"
	# ctr reads the first conflist of /etc/cni/net.d (the /etc overlay): only ours may be there.
	mkdir -p /etc/cni/net.d
	find /etc/cni/net.d -mindepth 1 -delete
	trap _runtimes_on_exit EXIT
}

# ---------------------------------------------------------------------------------------------
# Network configs

# cni_conflist NAME SUBNET [PLUGIN-JSON...] : prints the conflist of network NAME (one bridge
# per network) for the plugin under test; the JSON objects given are chained after it.
cni_conflist() {
	local name=$1 subnet=$2
	shift 2
	python3 - "$CNI_PLUGIN_UNDER_TEST" "$name" "$subnet" "$@" <<'EOF'
import ipaddress, json, sys
plugin, name, subnet = sys.argv[1:4]
chain = [json.loads(extra) for extra in sys.argv[4:]]
gateway = str(next(ipaddress.ip_network(subnet).hosts()))
if plugin == "bridgectl":
    first = {"type": "bridgectl", "subnet": subnet, "gateway": gateway,
             "capabilities": {"portMappings": True, "dns": True, "ips": True, "mac": True, "aliases": True}}
else:
    # Upstream: ports need portmap after the bridge (bridgectl publishes them itself).
    first = {"type": "bridge", "bridge": "cni-" + name[:11], "isGateway": True, "ipMasq": True,
             "ipam": {"type": "host-local", "ranges": [[{"subnet": subnet, "gateway": gateway}]],
                      "routes": [{"dst": "0.0.0.0/0"}]}}
    if not any(p.get("type") == "portmap" for p in chain):
        chain.insert(0, {"type": "portmap", "capabilities": {"portMappings": True}})
print(json.dumps({"cniVersion": "1.0.0", "name": name, "plugins": [first] + chain}, indent=1))
EOF
}

# cni_install_network NAME SUBNET [PLUGIN-JSON...] : the conflist where podman and ctr look.
cni_install_network() {
	cni_conflist "$@" >"$CNI_CONF_DIR/$1.conflist"
	ln -sf "$CNI_CONF_DIR/$1.conflist" "/etc/cni/net.d/10-$1.conflist"
}

# Removes what a network leaves once its containers are gone: bridgectl's network (the plugin
# created it on the first ADD), or the upstream bridge (which never deletes it).
cni_remove_network() {
	local name=$1
	if under_bridgectl; then
		bridgectl network rm "$name" >/dev/null 2>&1 || true
	else
		ip link del "cni-${name:0:11}" 2>/dev/null || true
	fi
	rm -f "$CNI_CONF_DIR/$name.conflist" "/etc/cni/net.d/10-$name.conflist"
}

# cni_plugin_exec COMMAND NETWORK [JSON-MERGE] : runs the plugin under test directly as a runtime
# would (stdin: the conflist's first plugin with the list's name, cniVersion 1.1.0 -- GC needs
# it -- and JSON-MERGE's keys added); CNI_* variables come from the caller's environment.
# Sets OUT, ERR, RC like lib.sh's run.
cni_plugin_exec() {
	local command=$1 name=$2 merge=${3:-"{}"} config
	config=$(python3 -c '
import json, sys
conflist = json.load(open(sys.argv[1]))
plugin = dict(conflist["plugins"][0], name=conflist["name"], cniVersion="1.1.0")
plugin.update(json.loads(sys.argv[2]))
print(json.dumps(plugin))
' "$CNI_CONF_DIR/$name.conflist" "$merge")
	RC=0
	CNI_COMMAND=$command CNI_PATH=/opt/cni/bin "/opt/cni/bin/$CNI_PLUGIN_UNDER_TEST" \
		<<<"$config" >"$_LIB_TMP/out" 2>"$_LIB_TMP/err" || RC=$?
	# shellcheck disable=SC2034 # read by the caller
	OUT=$(<"$_LIB_TMP/out")
	# shellcheck disable=SC2034 # read by the caller
	ERR=$(<"$_LIB_TMP/err")
}

# host-local's leases of NAME (one file per address); bridgectl keeps its own in its state.
hostlocal_leases() {
	find "/var/lib/cni/networks/$1" -maxdepth 1 -name '[0-9]*' -printf '%f\n' 2>/dev/null | sort
}

# ---------------------------------------------------------------------------------------------
# Image

# A busybox-static rootfs as a tar (every applet a link, as `true`, `nc` and `ping` are needed).
runtimes_busybox_rootfs() {
	BUSYBOX_ROOTFS_TAR=$RUNTIMES_DIR/busybox-rootfs.tar
	[[ -s $BUSYBOX_ROOTFS_TAR ]] && return 0
	local root=$RUNTIMES_DIR/rootfs applet
	mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
	cp /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
	done
	ln -s bin "$root/sbin"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	tar -C "$root" -cf "$BUSYBOX_ROOTFS_TAR" .
}

# The same rootfs as an OCI image layout tar (one uncompressed layer) for `ctr images import`.
runtimes_busybox_oci_tar() {
	runtimes_busybox_rootfs
	BUSYBOX_OCI_TAR=$RUNTIMES_DIR/busybox-oci.tar
	python3 - "$BUSYBOX_ROOTFS_TAR" "$BUSYBOX_OCI_TAR" "$BUSYBOX_IMAGE" <<'EOF'
import hashlib, io, json, sys, tarfile
layer_path, out_path, ref = sys.argv[1:4]
layer = open(layer_path, "rb").read()
def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data
layer_digest, _ = blob(layer)
config = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers", "diff_ids": [layer_digest]}}).encode()
config_digest, _ = blob(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": len(layer)}]}).encode()
manifest_digest, _ = blob(manifest)
index = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": manifest_digest, "size": len(manifest),
    "annotations": {"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": "latest"}}]}).encode()
with tarfile.open(out_path, "w") as out:
    def add(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); out.addfile(info, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add("index.json", index)
    for digest, data in ((layer_digest, layer), (config_digest, config), (manifest_digest, manifest)):
        add("blobs/sha256/" + digest[7:], data)
EOF
}

BUSYBOX_IMAGE=localhost/bridgectl-test/busybox:latest

# ---------------------------------------------------------------------------------------------
# podman

PODMAN_ROOT=$RUNTIMES_DIR/podman
podman_setup() {
	mkdir -p "$PODMAN_ROOT"
	cat >"$PODMAN_ROOT/containers.conf" <<EOF
[containers]
cgroupns = "host"
[network]
network_backend = "cni"
cni_plugin_dirs = ["$CNI_BIN_DIR"]
network_config_dir = "$CNI_CONF_DIR"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_ROOT/events.log"
runtime = "runc"
EOF
	cat >"$PODMAN_ROOT/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$PODMAN_ROOT/root"
runroot = "$PODMAN_ROOT/runroot"
EOF
	export CONTAINERS_CONF=$PODMAN_ROOT/containers.conf CONTAINERS_STORAGE_CONF=$PODMAN_ROOT/storage.conf
	_RUNTIMES_PODMAN=1
	runtimes_busybox_rootfs
	pm import "$BUSYBOX_ROOTFS_TAR" "$BUSYBOX_IMAGE" >/dev/null
}

pm() {
	podman --root "$PODMAN_ROOT/root" --runroot "$PODMAN_ROOT/runroot" --storage-driver vfs \
		--cgroup-manager cgroupfs "$@"
}

# pm_run NAME NETWORK [podman run flags...] -- CMD... : a detached container whose cgroups live
# under this run's parent (removed by name at the end). NET_RAW: ping is a raw socket in busybox.
pm_run() {
	local name=$1 network=$2
	shift 2
	local flags=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	[[ ${1-} == -- ]] && shift
	pm run -d --name "$name" --network "$network" --cgroup-parent "/$RUNTIMES_CGROUP_PARENT" \
		--cap-add NET_RAW "${flags[@]}" "$BUSYBOX_IMAGE" "$@"
}

# ---------------------------------------------------------------------------------------------
# containerd

CONTAINERD_ROOT=$RUNTIMES_DIR/containerd
CONTAINERD_SOCK=$CONTAINERD_ROOT/containerd.sock
containerd_start() {
	mkdir -p "$CONTAINERD_ROOT"
	cat >"$CONTAINERD_ROOT/config.toml" <<EOF
version = 2
root = "$CONTAINERD_ROOT/root"
state = "$CONTAINERD_ROOT/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
address = "$CONTAINERD_SOCK"
[ttrpc]
address = "$CONTAINERD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
path = "$CONTAINERD_ROOT/opt"
EOF
	containerd --config "$CONTAINERD_ROOT/config.toml" >"$CONTAINERD_ROOT/log" 2>&1 </dev/null &
	CONTAINERD_PID=$!
	if ! wait_until 15 ctr_ version; then
		die "containerd starts" "$(tail -n 20 "$CONTAINERD_ROOT/log")"
	fi
	runtimes_busybox_oci_tar
	ctr_ images import "$BUSYBOX_OCI_TAR" >/dev/null
}

ctr_() {
	ctr -a "$CONTAINERD_SOCK" "$@"
}

# ctr_cgroup ID : the cgroup path of container ID, under this run's parent.
ctr_cgroup() {
	echo "/$RUNTIMES_CGROUP_PARENT/$1"
}

# Kills and deletes every ctr task and container (no DEL reaches the plugin: ctr sends none for
# detached containers).
ctr_remove_all() {
	# Bounded: a wedged containerd must not hold the test until run.sh's timeout (which would
	# leave the cgroup directories behind).
	local id
	for id in $(timeout 10 ctr -a "$CONTAINERD_SOCK" tasks ls -q 2>/dev/null); do
		timeout 10 ctr -a "$CONTAINERD_SOCK" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
	done
	for id in $(timeout 10 ctr -a "$CONTAINERD_SOCK" tasks ls -q 2>/dev/null); do
		wait_until 10 _ctr_task_stopped "$id" || true
		timeout 10 ctr -a "$CONTAINERD_SOCK" tasks delete "$id" >/dev/null 2>&1 || true
	done
	for id in $(timeout 10 ctr -a "$CONTAINERD_SOCK" containers ls -q 2>/dev/null); do
		timeout 10 ctr -a "$CONTAINERD_SOCK" containers delete "$id" >/dev/null 2>&1 || true
	done
}

_ctr_task_stopped() {
	timeout 10 ctr -a "$CONTAINERD_SOCK" tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }' | grep -qx STOPPED
}

# ---------------------------------------------------------------------------------------------
# End of test: runtimes down, then lib.sh's own exit handling (leftovers check, verdict).

_runtimes_cleanup() {
	set +e
	if [[ $_RUNTIMES_PODMAN -eq 1 ]]; then
		timeout 30 podman --root "$PODMAN_ROOT/root" --runroot "$PODMAN_ROOT/runroot" \
			--storage-driver vfs --cgroup-manager cgroupfs rm -a -f -t 0 >/dev/null 2>&1
	fi
	if [[ -n $CONTAINERD_PID ]]; then
		ctr_remove_all
		kill "$CONTAINERD_PID" 2>/dev/null
		wait_until 10 _containerd_gone || kill -KILL "$CONTAINERD_PID" 2>/dev/null
		wait "$CONTAINERD_PID" 2>/dev/null
		CONTAINERD_PID=
	fi
	runtimes_remove_cgroups
}

# Our child stays a zombie until waited for, which kill -0 cannot tell from alive.
_containerd_gone() {
	local state
	state=$(awk '{ print $3 }' "/proc/$CONTAINERD_PID/stat" 2>/dev/null) || return 0
	[[ -z $state || $state == Z ]]
}

# The cgroup directories this run made in the real host's hierarchies, deepest first, by name.
runtimes_remove_cgroups() {
	local hierarchy dir
	for hierarchy in "${RUNTIMES_CGROUP_HIERARCHIES[@]}"; do
		dir=/sys/fs/cgroup/${hierarchy:+$hierarchy/}$RUNTIMES_CGROUP_PARENT
		[[ -d $dir ]] || continue
		# A just-killed process may still be leaving its cgroup.
		wait_until 10 _runtimes_rmdir_tree "$dir" || echo "warning: could not remove cgroup $dir" >&2
	done
}

_runtimes_rmdir_tree() {
	find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
	[[ ! -d $1 ]]
}

# Leftover cgroup directories of this run (empty when all were removed).
runtimes_leftover_cgroups() {
	local hierarchy
	for hierarchy in "${RUNTIMES_CGROUP_HIERARCHIES[@]}"; do
		[[ -d /sys/fs/cgroup/${hierarchy:+$hierarchy/}$RUNTIMES_CGROUP_PARENT ]] &&
			echo "/sys/fs/cgroup/${hierarchy:+$hierarchy/}$RUNTIMES_CGROUP_PARENT"
	done
	return 0
}

_runtimes_on_exit() {
	local rc=$?
	# Cleanup commands may fail (nothing left to remove): that is no aborted test.
	trap - ERR
	_runtimes_cleanup
	_runtimes_return "$rc"
	_lib_on_exit
}

_runtimes_return() {
	return "$1"
}
