#!/usr/bin/env python3
"""cronjobs.py FILE - check contrib/kubernetes/cronjobs.yaml works as written.

Every CronJob: a concurrency policy of Forbid, activeDeadlineSeconds, a pod
that runs as a non-root user and group with fsGroup equal to that group and
seccomp RuntimeDefault; every container without privilege escalation, on a
read-only root file system, with every capability dropped, the config
(FLAKEGUARD_CONFIG) in a directory mounted from a Secret volume of mode
0440 (the kubelet makes Secret files root-owned and, with fsGroup, group
readable whatever defaultMode says); no key given twice.  Prints one line
per problem and exits 1 when there is any.
"""
import os
import sys

import yaml


class UniqueKeyLoader(yaml.SafeLoader):
    pass


def no_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "key %r given twice" % (key,), key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_duplicates)

problems = []


def check(ok, name, what):
    if not ok:
        problems.append("%s: %s" % (name, what))


def check_job(doc):
    name = doc.get("metadata", {}).get("name", "?")
    spec = doc.get("spec", {})
    check(spec.get("concurrencyPolicy") == "Forbid", name, "concurrencyPolicy is not Forbid")
    job = spec.get("jobTemplate", {}).get("spec", {})
    deadline = job.get("activeDeadlineSeconds")
    check(isinstance(deadline, int) and deadline > 0, name, "no activeDeadlineSeconds")
    pod = job.get("template", {}).get("spec", {})
    psc = pod.get("securityContext", {})
    check(psc.get("runAsNonRoot") is True, name, "pod securityContext lacks runAsNonRoot: true")
    uid, gid = psc.get("runAsUser"), psc.get("runAsGroup")
    check(isinstance(uid, int) and uid > 0, name, "pod securityContext lacks a non-root runAsUser")
    check(isinstance(gid, int) and gid > 0, name, "pod securityContext lacks a non-root runAsGroup")
    check(psc.get("fsGroup") == gid, name, "fsGroup is not runAsGroup: the Secret files are unreadable")
    check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", name,
          "pod seccompProfile is not RuntimeDefault")
    volumes = {v.get("name"): v for v in pod.get("volumes", [])}
    containers = pod.get("containers", [])
    check(len(containers) > 0, name, "no container")
    for c in containers:
        cname = "%s/%s" % (name, c.get("name", "?"))
        csc = c.get("securityContext", {})
        check(csc.get("allowPrivilegeEscalation") is False, cname, "allowPrivilegeEscalation is not false")
        check(csc.get("readOnlyRootFilesystem") is True, cname, "readOnlyRootFilesystem is not true")
        check(csc.get("capabilities", {}).get("drop") == ["ALL"], cname, "capabilities do not drop ALL")
        check(csc.get("privileged") in (None, False), cname, "privileged")
        env = {e.get("name"): e.get("value") for e in c.get("env", [])}
        conf = env.get("FLAKEGUARD_CONFIG")
        check(conf is not None, cname, "FLAKEGUARD_CONFIG not set")
        if conf is None:
            continue
        mount = None
        for m in c.get("volumeMounts", []):
            if os.path.dirname(conf) == m.get("mountPath").rstrip("/"):
                mount = m
        check(mount is not None, cname, "no volume mounted at %s" % os.path.dirname(conf))
        if mount is None:
            continue
        check(mount.get("readOnly") is True, cname, "config mount is not readOnly")
        vol = volumes.get(mount.get("name"), {})
        secret = vol.get("secret")
        check(secret is not None, cname, "config volume '%s' is not a Secret" % mount.get("name"))
        if secret is not None:
            check(secret.get("defaultMode") == 0o440, cname, "config Secret defaultMode is not 0440")
        for m in c.get("volumeMounts", []):
            inside = [o for o in c.get("volumeMounts", [])
                      if o is not m and o.get("mountPath", "").startswith(m.get("mountPath").rstrip("/") + "/")]
            check(not inside, cname, "mount nested in %s" % m.get("mountPath"))


def main():
    path = sys.argv[1]
    try:
        with open(path) as f:
            docs = [d for d in yaml.load_all(f, Loader=UniqueKeyLoader) if d is not None]
    except yaml.YAMLError as e:
        print("%s: %s" % (path, e))
        return 1
    jobs = [d for d in docs if d.get("kind") == "CronJob"]
    check(len(jobs) == 5, path, "%d CronJobs, expected one per tool (5)" % len(jobs))
    for d in jobs:
        check_job(d)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
