# Sourced by the compose entrypoints (POSIX sh): reads one field of a credentials file, the JSON
# {"username", "password"} that `parmana dev init` writes (0600). Generated passwords are base64url, so sed is enough;
# a value with other characters (JSON escapes, quotes, spaces) is refused rather than misread.
PARMANA_CREDENTIALS_DIR=${PARMANA_CREDENTIALS_DIR:-/run/parmana/credentials}

# credential <file name, e.g. kafka-admin.json> <username|password>: prints the value, or fails with a message.
credential() {
  _file="$PARMANA_CREDENTIALS_DIR/$1"
  if [ ! -f "$_file" ] || [ ! -r "$_file" ]; then
    echo "parmana: cannot read $_file (run \`npx parmana dev init\` on the host first; the file must be readable by this container's user)" >&2
    return 1
  fi
  _value=$(tr -d '\n' <"$_file" | sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p")
  case "$_value" in
    '' | *[!A-Za-z0-9._~+/=-]*)
      echo "parmana: $_file has no plain $2 (expected base64url characters)" >&2
      return 1
      ;;
  esac
  printf '%s' "$_value"
}
