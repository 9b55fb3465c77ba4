#!/usr/bin/env bash
# Re-vendors the dashboard's third-party browser assets from npm, at pinned
# versions. The results are committed and embedded with go:embed, so `go build`
# never needs npm. Run from anywhere: bash dashboard/assets.sh
#
# Licences: GOV.UK Frontend's code is MIT, but the GDS Transport font and the
# crown/crest images may only be used on GOV.UK. councildash is not a GOV.UK
# service, so neither is vendored: the @font-face rules are removed from the CSS
# (text falls back to Arial, as GOV.UK Frontend itself does) and no image is copied.
set -euo pipefail

GOVUK_FRONTEND=5.14.0
ECHARTS=5.6.0
AXE_CORE=4.14.1
ACCESSIBLE_AUTOCOMPLETE=3.0.1

here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND" "echarts@$ECHARTS" "axe-core@$AXE_CORE" \
  "accessible-autocomplete@$ACCESSIBLE_AUTOCOMPLETE" >/dev/null
for pkg in govuk-frontend-$GOVUK_FRONTEND echarts-$ECHARTS axe-core-$AXE_CORE accessible-autocomplete-$ACCESSIBLE_AUTOCOMPLETE; do
  mkdir -p "$pkg" && tar xzf "$pkg.tgz" -C "$pkg"
done

rm -rf "$vendor/govuk-frontend" "$vendor/echarts" "$vendor/accessible-autocomplete"
mkdir -p "$vendor/govuk-frontend" "$vendor/echarts" "$vendor/accessible-autocomplete" "$here/testdata"

g="govuk-frontend-$GOVUK_FRONTEND/package/dist/govuk"
# Drop the GDS Transport @font-face rules and the font name itself; point any
# remaining asset URLs at the dashboard's static path.
sed -e 's/@font-face{font-family:GDS Transport;[^}]*}//g' \
    -e 's/font-family:GDS Transport,/font-family:/g' \
    -e 's/font-family:GDS Transport\([;}]\)/font-family:arial,sans-serif\1/g' \
    -e 's#url(/assets/#url(/static/vendor/govuk-frontend/assets/#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$g/govuk-frontend.min.css" > "$vendor/govuk-frontend/govuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*##' "$g/govuk-frontend.min.js" > "$vendor/govuk-frontend/govuk-frontend.min.js"
cp "govuk-frontend-$GOVUK_FRONTEND/package/dist/govuk/../../package.json" "$vendor/govuk-frontend/package.json" 2>/dev/null || true
echo "govuk-frontend $GOVUK_FRONTEND (MIT) from npm; fonts and crown images deliberately not vendored" > "$vendor/govuk-frontend/VERSION"

cp "echarts-$ECHARTS/package/dist/echarts.min.js" "$vendor/echarts/echarts.min.js"
cp "echarts-$ECHARTS/package/LICENSE" "$vendor/echarts/LICENSE"
echo "echarts $ECHARTS (Apache-2.0) from npm" > "$vendor/echarts/VERSION"

# GOV.UK's accessible-autocomplete: type-ahead on the search and compare
# fields, over plain inputs and selects that work without it.
aa="accessible-autocomplete-$ACCESSIBLE_AUTOCOMPLETE/package"
sed -e 's#//\# sourceMappingURL=.*##' "$aa/dist/accessible-autocomplete.min.js" > "$vendor/accessible-autocomplete/accessible-autocomplete.min.js"
sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$aa/dist/accessible-autocomplete.min.css" > "$vendor/accessible-autocomplete/accessible-autocomplete.min.css"
cp "$aa/LICENSE.txt" "$vendor/accessible-autocomplete/LICENSE.txt"
echo "accessible-autocomplete $ACCESSIBLE_AUTOCOMPLETE (MIT) from npm" > "$vendor/accessible-autocomplete/VERSION"

# axe-core is only for the browser test (MPL-2.0); it is not served.
cp "axe-core-$AXE_CORE/package/axe.min.js" "$here/testdata/axe.min.js"
echo "axe-core $AXE_CORE (MPL-2.0) from npm" > "$here/testdata/axe.VERSION"

echo "vendored govuk-frontend $GOVUK_FRONTEND, echarts $ECHARTS, accessible-autocomplete $ACCESSIBLE_AUTOCOMPLETE, axe-core $AXE_CORE"
