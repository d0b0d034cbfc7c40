#!/usr/bin/env bash
# test-validate.sh SRCDIR BUILDDIR: the data files as GNOME's tools check them: the desktop
# entry and the metainfo built from po/ (build folder), the schema, every translation.
set -euo pipefail

srcdir=$(readlink -f "$1")
builddir=$(readlink -f "$2")
app_id=io.github.reslab.ResLab
rc=0
check () {
  local what=$1
  shift
  echo "# $what: $*"
  if "$@"; then
    echo "ok - $what"
  else
    echo "FAIL: $what" >&2
    rc=1
  fi
}

check desktop-file-validate desktop-file-validate "$builddir/data/$app_id.desktop"
# Fails on errors and warnings. The one pedantic note, cid-contains-uppercase-letter, is kept:
# GNOME's IDs are CamelCase in their last part (org.gnome.TextEditor) and the ID matches the
# D-Bus name and the GSettings schema, which an ID change would break.
check "appstreamcli validate" appstreamcli validate --no-net --pedantic --explain \
  "$builddir/data/$app_id.metainfo.xml"
check "glib-compile-schemas --strict" glib-compile-schemas --strict --dry-run "$srcdir/data"
for po in "$srcdir"/po/*.po; do
  check "msgfmt --check $(basename "$po")" msgfmt --check --check-format -o /dev/null "$po"
done

# Every source file with a translatable string is listed in po/POTFILES.in: a file split off
# another and not added there drops its messages from the catalogue (it happened: the Train
# view's progress line lost its twelve translations when rl-train-view-progress.c was split).
potfiles_complete () {
  local missing=0 f
  while read -r f; do
    if ! grep -qx "$f" "$srcdir/po/POTFILES.in"; then
      echo "# not in po/POTFILES.in: $f"
      missing=1
    fi
  done < <(cd "$srcdir" && grep -rlE '_\("|N_\("|ngettext \(|translatable="yes"' \
             app engine ui resources data | sort)
  return $missing
}
check "po/POTFILES.in lists every file with messages" potfiles_complete

exit $rc
