#!/usr/bin/env bash
# Builds the Debian packages of the appliance: imaging-edge_<version>_amd64.deb and _arm64.deb.
#
#   packaging/deb/build.sh [--arch amd64|arm64]... [--out DIR] [--reuse-publish] [--fast] [VERSION]
#
# VERSION defaults to 1.0.0; --arch may be given more than once (default: both); packages go to DIR
# (default: artifacts/ at the repository root, ignored by git). --reuse-publish packages an existing
# DIR/publish/<rid> again instead of publishing (a second version of the same build, for upgrade tests);
# --fast compresses with gzip -1 instead of xz (same contents; the package tests use it).
# Needs the .NET SDK, dpkg-deb and fakeroot. Layout and reasons: docs/packaging.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=1.0.0
out="$repo/artifacts"
arches=()
reuse=no
compression=(-Zxz)
while (($#)); do
    case $1 in
        --arch) arches+=("$2"); shift 2 ;;
        --arch=*) arches+=("${1#--arch=}"); shift ;;
        --out) out=$2; shift 2 ;;
        --out=*) out=${1#--out=}; shift ;;
        --reuse-publish) reuse=yes; shift ;;
        --fast) compression=(-Zgzip -z1); shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
        *) version=$1; shift ;;
    esac
done
((${#arches[@]})) || arches=(amd64 arm64)
[[ $version =~ ^[0-9]+(\.[0-9]+)*([~+][A-Za-z0-9.+~]+)?$ ]] || { echo "build.sh: bad version '$version'" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The .NET version (X.Y.Z) a .deb is built for is the assembly version: 1.0.0~rc1 -> 1.0.0.
assembly_version=${version%%[~+]*}

build_one() {
    local arch=$1 rid strip
    case $arch in
        amd64) rid=linux-x64 strip=strip ;;
        arm64) rid=linux-arm64 strip=aarch64-linux-gnu-strip ;;
        *) echo "build.sh: unknown architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
    esac
    local publish="$out/publish/$rid"
    if [[ $reuse == no || ! -x $publish/imaging-edge ]]; then
        rm -rf "$publish"
        # Self-contained: Debian 12 has no .NET runtime package, and the box runs the runtime it was tested with.
        # ReadyToRun: the first minutes after a restart run precompiled code instead of paying for the JIT
        # (README, Performance); crossgen2 targets arm64 from amd64 too, and adds ~20 s per architecture.
        dotnet publish "$repo/gateway/Imaging.Edge.Gateway/Imaging.Edge.Gateway.csproj" -c Release -r "$rid" \
            --self-contained -p:PublishReadyToRun=true -p:Version="$assembly_version" -o "$publish" --nologo -v quiet >&2
    fi

    local stage="$out/stage-$arch"
    rm -rf "$stage"
    local lib="$stage/usr/lib/imaging-edge" share="$stage/usr/share/imaging-edge" doc="$stage/usr/share/doc/imaging-edge"
    mkdir -p "$lib" "$share" "$doc" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/usr/lib/systemd/journald.conf.d" \
        "$stage/etc/imaging-edge" "$stage/usr/share/man/man1" "$stage/usr/share/lintian/overrides" "$stage/DEBIAN"

    cp -a "$publish/." "$lib/"
    # The profiles live in /usr/share (Serial/SerialDevice.cs InstalledDirectory): a folder beside the
    # executable would win over it.
    rm -rf "$lib/hardware-profiles"
    # The runtime's own libraries come stripped; SQLite's (libe_sqlite3.so, from SQLitePCLRaw) does not.
    command -v "$strip" >/dev/null || { echo "build.sh: $strip not found (apt-get install binutils-aarch64-linux-gnu)" >&2; exit 1; }
    local so
    for so in "$lib"/*.so; do
        if file -b "$so" | grep -q "not stripped"; then "$strip" --strip-unneeded "$so"; fi
    done
    mkdir -p "$share/hardware-profiles"
    cp "$repo"/hardware-profiles/*.json "$share/hardware-profiles/"
    cp -rL "$repo/packaging/dashboard" "$share/dashboard"   # -L: runbook.md is a link to docs/ in the repository
    rm -f "$share"/dashboard/*.sh   # the page only: its development scripts (screenshots) stay in the repository
    cp -r "$repo/packaging/examples" "$share/examples"
    ln -s ../lib/imaging-edge/imaging-edge "$stage/usr/bin/imaging-edge"
    cp "$repo/packaging/systemd/imaging-edge.service" "$repo/packaging/systemd/imaging-edge.socket" "$stage/lib/systemd/system/"
    cp "$repo/packaging/journald/imaging-edge.conf" "$stage/usr/lib/systemd/journald.conf.d/"
    cp "$repo/packaging/edge.json" "$stage/etc/imaging-edge/edge.json"
    gzip -9n < "$here/imaging-edge.1" > "$stage/usr/share/man/man1/imaging-edge.1.gz"
    cp "$here/copyright" "$doc/copyright"
    cp "$repo/README.md" "$doc/README.md"
    sed "s/@VERSION@/$version/; s/@DATE@/$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
        "$here/changelog.in" | gzip -9n > "$doc/changelog.gz"
    cp "$here/lintian-overrides" "$stage/usr/share/lintian/overrides/imaging-edge"

    # Ownership root:root (fakeroot); modes: directories and data 0755/0644, programs 0755.
    find "$stage" -type d -exec chmod 0755 {} +
    find "$stage" -type f -exec chmod 0644 {} +
    chmod 0755 "$lib/imaging-edge"
    [[ ! -f $lib/createdump ]] || chmod 0755 "$lib/createdump"

    for script in postinst prerm postrm; do install -m 0755 "$here/$script" "$stage/DEBIAN/$script"; done
    echo /etc/imaging-edge/edge.json > "$stage/DEBIAN/conffiles"
    (cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
    local size
    size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
    sed "s/@VERSION@/$version/; s/@ARCH@/$arch/; s/@SIZE@/$size/" "$here/control.in" > "$stage/DEBIAN/control"

    local deb="$out/imaging-edge_${version}_${arch}.deb"
    fakeroot -- dpkg-deb "${compression[@]}" --build "$stage" "$deb" >/dev/null
    rm -rf "$stage"
    echo "$deb"
}

for arch in "${arches[@]}"; do build_one "$arch"; done
