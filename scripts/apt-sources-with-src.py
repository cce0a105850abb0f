#!/usr/bin/env python3
"""Print a deb822 sources file that mirrors the machine's own Debian/Ubuntu
archive entries with `Types: deb-src`, so `apt-get source` works.

Why derived instead of written out: the project must never name an archive
host; the machine already knows its own. Only stanzas signed by the
distribution's archive keyring are copied, so third-party repositories
(which often publish no sources) cannot break `apt-get update`.
"""
import glob
import re
import sys

ARCHIVE_KEYRINGS = ("debian-archive-keyring", "ubuntu-archive-keyring")


def deb822_stanzas(text):
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        key = None
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0].isspace() and key:
                fields[key] += "\n" + line
                continue
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        if fields:
            yield fields


def legacy_lines(text):
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("deb "):
            continue
        # deb [options] URI suite components...
        parts = line.split()
        options = ""
        if parts[1].startswith("["):
            end = next(i for i, p in enumerate(parts) if p.endswith("]"))
            options = " ".join(parts[1:end + 1])
            parts = [parts[0]] + parts[end + 1:]
        if "signed-by" in options and not any(k in options for k in ARCHIVE_KEYRINGS):
            continue
        yield {"Types": "deb-src", "URIs": parts[1], "Suites": parts[2],
               "Components": " ".join(parts[3:])}


def main():
    out = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        if path.endswith("posecheck-src.sources"):
            continue
        for st in deb822_stanzas(open(path).read()):
            if "deb" not in st.get("Types", "").split():
                continue
            if st.get("Enabled", "yes").lower() == "no":
                continue
            if not any(k in st.get("Signed-By", "") for k in ARCHIVE_KEYRINGS):
                continue
            st = dict(st)
            st["Types"] = "deb-src"
            out.append(st)
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            out.extend(legacy_lines(open(path).read()))
        except OSError:
            pass
    if not out:
        sys.exit("no Debian/Ubuntu archive entry found in the apt sources")
    for st in out:
        for k in ("Types", "URIs", "Suites", "Components", "Signed-By"):
            if k in st:
                print(f"{k}: {st[k]}")
        print()


if __name__ == "__main__":
    main()
