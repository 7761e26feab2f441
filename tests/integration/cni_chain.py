#!/usr/bin/env python3
"""Plays a network config list the way libcni does (cnitool's sequence), for the chaining test.

    cni_chain.py ADD|CHECK|DEL CONFLIST CONTAINER-ID NETNS IFNAME [--runtime-config JSON]
                 [--args CNI_ARGS] [--cache DIR] [--bin-dir DIR] [--skip TYPE]...

ADD runs the plugins in order, each with the previous one's result as prevResult, prints the last
result and caches it (DIR/<network>-<container>-<ifname>.json); CHECK runs them in order with the
cached result as prevResult; DEL in reverse order with it, then forgets it. runtimeConfig carries
only the keys a plugin declares in "capabilities" (libcni's rule). A plugin failure prints its
CNI error JSON on stderr, names the plugin, and exits 1. --skip leaves a plugin type out (to get
past a known defect of one upstream plugin and still check the others).
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["ADD", "CHECK", "DEL"])
    parser.add_argument("conflist")
    parser.add_argument("container_id")
    parser.add_argument("netns")
    parser.add_argument("ifname")
    parser.add_argument("--runtime-config", default="{}")
    parser.add_argument("--args", default="")
    parser.add_argument("--cache", default="/var/lib/cni/results")
    parser.add_argument("--bin-dir", default="/opt/cni/bin")
    parser.add_argument("--skip", action="append", default=[])
    options = parser.parse_args()

    conflist = json.load(open(options.conflist))
    runtime_config = json.loads(options.runtime_config)
    os.makedirs(options.cache, exist_ok=True)
    cache = os.path.join(options.cache, "%s-%s-%s.json" % (conflist["name"], options.container_id, options.ifname))
    cached = json.load(open(cache)) if os.path.exists(cache) else None

    plugins = [plugin for plugin in conflist["plugins"] if plugin["type"] not in options.skip]
    if options.command == "DEL":
        plugins = list(reversed(plugins))
    result = cached if options.command != "ADD" else None

    for plugin in plugins:
        config = dict(plugin, name=conflist["name"], cniVersion=conflist["cniVersion"])
        wanted = {key: value for key, value in runtime_config.items() if plugin.get("capabilities", {}).get(key)}
        if wanted:
            config["runtimeConfig"] = wanted
        if result is not None:
            config["prevResult"] = result
        env = dict(os.environ, CNI_COMMAND=options.command, CNI_CONTAINERID=options.container_id,
                   CNI_NETNS=options.netns, CNI_IFNAME=options.ifname, CNI_ARGS=options.args,
                   CNI_PATH=options.bin_dir)
        done = subprocess.run([os.path.join(options.bin_dir, plugin["type"])], input=json.dumps(config).encode(),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if done.returncode != 0:
            sys.stderr.write("plugin %s failed (%s, exit %d): %s %s\n" % (
                plugin["type"], options.command, done.returncode, done.stdout.decode().strip(), done.stderr.decode().strip()))
            sys.exit(1)
        if options.command == "ADD":
            try:
                result = json.loads(done.stdout)
            except ValueError:
                sys.stderr.write("plugin %s printed no JSON result on ADD: %r\n" % (plugin["type"], done.stdout[:500]))
                sys.exit(1)

    if options.command == "ADD":
        with open(cache, "w") as out:
            json.dump(result, out)
        print(json.dumps(result, indent=1, sort_keys=True))
    elif options.command == "DEL" and os.path.exists(cache):
        os.remove(cache)


if __name__ == "__main__":
    main()
