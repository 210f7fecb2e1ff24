#!/usr/bin/env bash
# Packs the solution into a local feed and uses it as a new user would (issue 13), from .ci/run after the tests:
#  1. dotnet pack SecretRotation.sln (warnings are errors; package validation runs) into "$1/packages";
#  2. checks each package carries its README, a .snupkg and the repository commit (SourceLink);
#  3. a fresh app in a temp folder outside the repository, with its own nuget.config (the local feed for SecretRotation*,
#     the repository's sources for the rest) and its own NUGET_PACKAGES (no stale package of the same version), installs
#     SecretRotation from the feed, runs the README's quick start against a kubelet-style volume, and sees one rotation;
#  4. installs the secret-rotation tool from the feed and runs `secret-rotation --help`.
# Prints one "smoke:" line per step; exits non-zero at the first failure.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=${1:-.ci/out}
feed="$repo/$out/packages"
started=$SECONDS

fail() { echo "smoke: FAILED: $*"; exit 1; }

# 1. Pack (the build before this one built Release with the same CI settings).
rm -rf "$feed"
dotnet pack SecretRotation.sln -c Release --no-build -warnaserror -o "$feed" >"$repo/$out/pack.log" 2>&1 \
  || { tail -n 30 "$repo/$out/pack.log"; fail "dotnet pack SecretRotation.sln (log: $out/pack.log)"; }
echo "smoke: packed $(ls "$feed"/*.nupkg | grep -vc '\.snupkg$') packages into $out/packages in $((SECONDS - started)) s"

# 2. What each package must carry.
expected="SecretRotation SecretRotation.AzureKeyVault SecretRotation.HashiCorpVault SecretRotation.Kubernetes SecretRotation.AspNetCore SecretRotation.Testing SecretRotation.Cli"
nupkg=$(ls "$feed"/SecretRotation.[0-9]*.nupkg 2>/dev/null | head -n 1)
[ -n "$nupkg" ] || fail "no SecretRotation package in $feed"
version=$(basename "$nupkg" .nupkg); version=${version#SecretRotation.}
for id in $expected; do
  pkg="$feed/$id.$version.nupkg"
  [ -f "$pkg" ] || fail "$id $version was not packed"
  [ -f "$feed/$id.$version.snupkg" ] || fail "$id $version has no symbols package (.snupkg)"
  unzip -l "$pkg" README.md >/dev/null 2>&1 || fail "$id has no README.md"
  unzip -p "$pkg" "$id.nuspec" | grep -Eq '<repository [^>]*commit="[0-9a-f]{40}"' \
    || fail "$id's nuspec has no repository commit (SourceLink)"
done
echo "smoke: $version: all $(echo $expected | wc -w) packages carry a README, a .snupkg and the repository commit"

# 3. A fresh app outside the repository.
smoke=$(mktemp -d "${TMPDIR:-/tmp}/secret-rotation-smoke.XXXXXX")
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$smoke"; }
trap cleanup EXIT
export NUGET_PACKAGES="$smoke/nuget-packages"   # nothing stale from ~/.nuget/packages
mkdir -p "$smoke/app"
cd "$smoke/app" || fail "cd $smoke/app"

# The repository's package sources (how packages are served here), each for everything but SecretRotation*.
sources=$(grep -o '<add key="[^"]*" value="[^"]*"' "$repo/nuget.config") || fail "no package source in $repo/nuget.config"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"secret-rotation-local\" value=\"$feed\" />"
  echo "$sources" | sed 's/^/    /; s/$/ \/>/'
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="secret-rotation-local"><package pattern="SecretRotation" /><package pattern="SecretRotation.*" /></packageSource>'
  echo "$sources" | sed -E 's/<add key="([^"]*)".*/    <packageSource key="\1"><package pattern="*" \/><\/packageSource>/'
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > nuget.config
cat > app.csproj <<'EOF'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
</Project>
EOF

# The README's quick start: the first ```csharp block after "## Quick start", reading our volume instead of /mnt/secrets/db.
volume="$smoke/volume"
awk '/^## Quick start/ { q = 1 } q && /^```csharp/ { c = 1; next } c && /^```/ { exit } c { print }' "$repo/README.md" > Program.cs
grep -q '"/mnt/secrets/db"' Program.cs || fail "README.md's quick start (the first csharp block after '## Quick start') no longer reads \"/mnt/secrets/db\""
sed -i "s#\"/mnt/secrets/db\"#\"$volume\"#" Program.cs

dotnet add package SecretRotation --prerelease >add.log 2>&1 || { cat add.log; fail "dotnet add package SecretRotation --prerelease (from the local feed)"; }
grep -q "Include=\"SecretRotation\" Version=\"$version\"" app.csproj || { cat app.csproj; fail "the app did not get SecretRotation $version"; }
dotnet build -c Release >build.log 2>&1 || { tail -n 30 build.log; fail "the quick start does not build from the packages"; }
echo "smoke: a fresh app outside the repository installed SecretRotation $version from the local feed and built the README's quick start"

# A volume as the kubelet writes it: a timestamped directory, ..data -> it, and visible links into ..data.
publish() {   # publish <dir name> <user>: write a new version and swap ..data over atomically (rename), as the kubelet does
  mkdir "$volume/$1" && printf '%s' "$2" > "$volume/$1/User" && printf '%s' "pw-$RANDOM$RANDOM" > "$volume/$1/Password" || return 1
  ln -s "$1" "$volume/..data_tmp" && mv -T "$volume/..data_tmp" "$volume/..data" || return 1
  for f in User Password; do [ -L "$volume/$f" ] || ln -s "..data/$f" "$volume/$f" || return 1; done
}
mkdir -p "$volume" && publish ..2026_01_01_00_00_00.1 app-1 || fail "could not write the volume"

dotnet bin/Release/net10.0/app.dll --urls http://127.0.0.1:0 >app.log 2>&1 &
app_pid=$!
url=""
for _ in $(seq 1 120); do   # at most 60 s
  url=$(grep -o 'Now listening on: http://127.0.0.1:[0-9]*' app.log | head -n 1 | sed 's/Now listening on: //')
  [ -n "$url" ] && break
  kill -0 "$app_pid" 2>/dev/null || { cat app.log; fail "the quick start exited at start-up"; }
  sleep 0.5
done
[ -n "$url" ] || { cat app.log; fail "the quick start did not start listening within 60 s"; }
before=$(curl -fsS --max-time 10 "$url/") || { cat app.log; fail "GET / failed"; }
[ "$before" = "connecting as app-1" ] || fail "GET / answered '$before', expected 'connecting as app-1'"

publish ..2026_01_01_00_01_00.2 app-2 && rm -rf "$volume/..2026_01_01_00_00_00.1" || fail "could not rotate the volume"
rotated_at=$SECONDS
after=""
for _ in $(seq 1 60); do    # at most 30 s (a rotation shows within milliseconds on inotify, the poll is the fallback)
  after=$(curl -fsS --max-time 10 "$url/") || after=""
  [ "$after" = "connecting as app-2" ] && break
  sleep 0.5
done
[ "$after" = "connecting as app-2" ] || { cat app.log; fail "the quick start did not see the rotation within 30 s (last answer: '$after')"; }
echo "smoke: the quick start saw one rotation of the kubelet-style volume ('connecting as app-1' -> 'connecting as app-2', within $((SECONDS - rotated_at)) s)"
kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; app_pid=""

# 4. The tool, installed from the feed as the README says.
cd "$smoke" || fail "cd $smoke"
dotnet tool install --tool-path "$smoke/tools" --add-source "$feed" SecretRotation.Cli --version "$version" >tool.log 2>&1 \
  || { cat tool.log; fail "dotnet tool install SecretRotation.Cli $version from the local feed"; }
"$smoke/tools/secret-rotation" --help >help.log 2>&1 || { cat help.log; fail "secret-rotation --help exited non-zero"; }
grep -q 'rotate' help.log || { cat help.log; fail "secret-rotation --help does not list the rotate command"; }
echo "smoke: installed the secret-rotation tool $version from the local feed; 'secret-rotation --help' lists its commands"

echo "smoke: passed in $((SECONDS - started)) s"
