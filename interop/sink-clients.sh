#!/usr/bin/env bash
# Real SMTP clients (swaks, curl, Python's smtplib) against a running `posthorn sink`.
#
# Sourced by interop/run-all, which starts an open sink and calls run_open_clients, then a sink with --auth and
# calls run_auth_clients (that sink refuses mail without AUTH). It can also be run by hand against a sink that is
# already running (started with --tls-self-signed --hostname sink.posthorn.test, and --auth alice:wonderland for
# the auth group):
#
#     interop/sink-clients.sh PORT DIR open|auth
#
# Every client sends one message that carries a unique token in its Subject and Message-ID. The test then finds
# the DIR/<id>.eml holding that token, cuts off the Received header the sink put in front and compares the rest
# byte for byte with what the client was given to send (each client is handed exact CRLF bytes, so that the only
# change a client legitimately makes, dot-stuffing, is undone by the server). It also checks the envelope in
# DIR/<id>.json: reverse path, recipients, TLS, the authenticated user and the MAIL parameters.
#
# Each check prints "PASS name" or "FAIL name: reason"; the counters INTEROP_PASSED and INTEROP_FAILED add up.
#
# Needs: bash, coreutils, grep, swaks, curl, python3 (standard library only).
#
# Variables the functions use (set by run-all or by the standalone entry point at the bottom):
#   SINK_PORT  port of the sink on 127.0.0.1
#   SINK_DIR   the folder the sink writes to
#   WORK       scratch folder for the messages and the client transcripts (WORK/msg, WORK/logs)

INTEROP_HOME="${INTEROP_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
CAPTURE_TOOLS="$INTEROP_HOME/capture-tools.py"
SMTPLIB_CLIENT="$INTEROP_HOME/smtplib-client.py"

# Credentials the sink is started with (--auth alice:wonderland).
AUTH_USER=alice
AUTH_PASSWORD=wonderland

# Every client invocation runs under this many seconds of `timeout`.
CLIENT_TIMEOUT=60
# How long to wait for a message to show up in SINK_DIR after the client returned.
CAPTURE_WAIT=10

# Envelope addresses. The sink accepts any recipient.
SENDER=sender@client.posthorn.test
RCPT1=rcpt@sink.posthorn.test
RCPT2=second@sink.posthorn.test
HELO=client.posthorn.test

INTEROP_PASSED=${INTEROP_PASSED:-0}
INTEROP_FAILED=${INTEROP_FAILED:-0}

# ---------------------------------------------------------------------------------------------------------------
# Reporting

pass() {
  echo "PASS $1"
  INTEROP_PASSED=$((INTEROP_PASSED + 1))
}

# fail NAME REASON
fail() {
  echo "FAIL $1: $2"
  INTEROP_FAILED=$((INTEROP_FAILED + 1))
}

# Prints the end of a transcript on stderr, indented, to explain a failure.
show_log() {
  echo "    --- last lines of $1" >&2
  tail -n 25 "$1" | sed 's/^/    | /' >&2
}

# ---------------------------------------------------------------------------------------------------------------
# Messages. All are written with CRLF line ends and end with CRLF: exactly the bytes the message should have in
# the sink's .eml after the Received header.

# new_token NAME: a string that appears in exactly one message of this run.
new_token() {
  echo "interop-$1-$(date +%s)-$$-$RANDOM$RANDOM"
}

# crlf LINE...: prints each argument as one CRLF-terminated line.
crlf() {
  printf '%s\r\n' "$@"
}

# long_line N: N octets of printable ASCII, no spaces, longer than SMTP's 1000-octet line limit when N > 998.
# RFC 5321 4.5.3.1.6 limits lines to 1000 octets but asks servers to avoid such limits; the sink takes it whole.
long_line() {
  local n=$1 line=""
  while ((${#line} < n)); do line+="0123456789abcdefghijklmnopqrstuvwxyz"; done
  printf '%s' "${line:0:n}"
}

# compose_ascii FILE TOKEN TO-HEADER [long]: a plain 7-bit message with a folded header and body lines that need
# dot-stuffing (a leading dot, a line that is only a dot, two leading dots); with "long", also a line of 1200
# octets.
compose_ascii() {
  local file=$1 token=$2 to=$3 long=${4:-}
  {
    crlf "From: Interop Sender <$SENDER>" \
      "To: $to" \
      "Subject: interop $token" \
      "Message-ID: <$token@$HELO>" \
      "Date: Mon, 23 Nov 2026 10:00:00 +0000" \
      "MIME-Version: 1.0" \
      "Content-Type: text/plain; charset=us-ascii" \
      "X-Interop-Folded: the first part of a folded header field," \
      "	and its second part on a line that starts with a TAB" \
      "" \
      "Hello from the Posthorn interop test." \
      ".leading dot (sent as ..leading dot)" \
      "." \
      "..two leading dots (sent as ...)" \
      "trailing spaces   " \
      "" \
      "after an empty line"
    if [[ $long == long ]]; then
      crlf "$(long_line 1200)"
    fi
    crlf "last line"
  } >"$file"
}

# compose_utf8 FILE TOKEN FROM TO-HEADER: an 8-bit UTF-8 message (Content-Transfer-Encoding: 8bit) with a
# leading-dot line and a UTF-8 line of more than 1000 octets. FROM goes into the From header unchanged, so a
# non-ASCII address makes it a message that needs SMTPUTF8 (RFC 6532 headers).
compose_utf8() {
  local file=$1 token=$2 from=$3 to=$4 long="" i
  for ((i = 0; i < 60; i++)); do long+="Grüße aus Köln – "; done   # 60 x 22 octets: a 1320-octet line
  {
    crlf "From: José Interop <$from>" \
      "To: $to" \
      "Subject: interop $token – Grüße, ünïcödé ✓" \
      "Message-ID: <$token@$HELO>" \
      "Date: Mon, 23 Nov 2026 10:00:00 +0000" \
      "MIME-Version: 1.0" \
      "Content-Type: text/plain; charset=utf-8" \
      "Content-Transfer-Encoding: 8bit" \
      "" \
      "Grüße aus Köln, 東京 und Αθήνα." \
      ".leading dot mit Umlaut: ä ö ü ß" \
      "$long" \
      "last line ✓"
  } >"$file"
}

# ---------------------------------------------------------------------------------------------------------------
# Running a client and checking what arrived

# run_client NAME COMMAND...: runs COMMAND under `timeout`, transcript in WORK/logs/NAME.log; reports "NAME send".
run_client() {
  local name=$1 rc=0
  shift
  local log="$WORK/logs/$name.log"
  timeout "$CLIENT_TIMEOUT" "$@" </dev/null >"$log" 2>&1 || rc=$?
  if ((rc == 0)); then
    pass "$name send"
    return 0
  fi
  local why="exited with $rc"
  ((rc == 124)) && why="timed out after $CLIENT_TIMEOUT s"
  fail "$name send" "$(basename "$1") $why (transcript: $log)"
  show_log "$log"
  return 1
}

# find_eml TOKEN: prints the path of the one captured .eml containing TOKEN, waiting up to CAPTURE_WAIT seconds.
# On failure prints the reason and returns 1.
find_eml() {
  local token=$1 deadline=$((SECONDS + CAPTURE_WAIT)) found
  while :; do
    found=$(grep -lF -- "$token" "$SINK_DIR"/*.eml 2>/dev/null || true)
    if [[ -n $found ]]; then
      if (($(wc -l <<<"$found") > 1)); then
        echo "the message was captured more than once: ${found//$'\n'/ }"
        return 1
      fi
      echo "$found"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      echo "no .eml in $SINK_DIR contains $token after $CAPTURE_WAIT s"
      return 1
    fi
    sleep 0.2
  done
}

# verify_capture NAME TOKEN EXPECTED-FILE WITH-PROTOCOL [ENVELOPE-CHECK-OPTIONS...]
# Reports "NAME message" (the bytes after the Received header equal EXPECTED-FILE, and the Received header says
# "with WITH-PROTOCOL") and "NAME envelope" (capture-tools.py envelope with the options given).
verify_capture() {
  local name=$1 token=$2 expected=$3 with=$4 eml reason
  shift 4
  if ! eml=$(find_eml "$token"); then
    fail "$name message" "$eml"
    fail "$name envelope" "no message captured"
    return 0
  fi
  if reason=$(python3 "$CAPTURE_TOOLS" compare-eml "$eml" "$expected" --with "$with" 2>&1); then
    pass "$name message"
  else
    fail "$name message" "$reason (captured: $eml, expected: $expected)"
  fi
  if reason=$(python3 "$CAPTURE_TOOLS" envelope "${eml%.eml}.json" "$@" 2>&1); then
    pass "$name envelope"
  else
    fail "$name envelope" "$reason (${eml%.eml}.json)"
  fi
}

# swaks_data EXPECTED-FILE OUT-FILE: what to hand `swaks --data @OUT-FILE` so that the message arrives as
# EXPECTED-FILE. swaks (with its default data fix-ups) rebuilds the header block with CRLF, dot-stuffs the data,
# and always appends CRLF "." itself: a file that already ends in CRLF would arrive with one more, empty, line.
# So swaks gets the message without its final CRLF. (Its other fix-ups, %TOKEN% and "\n" replacement and From_
# stripping, do not apply: the messages contain neither.)
swaks_data() {
  head -c -2 "$1" >"$2"
}

# ---------------------------------------------------------------------------------------------------------------
# swaks

# swaks_case NAME WITH-PROTOCOL SWAKS-OPTIONS... -- ENVELOPE-CHECK-OPTIONS...
swaks_case() {
  local name=$1 with=$2 token msg
  shift 2
  local -a swaks_opts=() env_opts=()
  while (($#)) && [[ $1 != -- ]]; do swaks_opts+=("$1"); shift; done
  (($#)) && shift
  env_opts=("$@")
  token=$(new_token "$name")
  msg="$WORK/msg/$name.eml"
  compose_ascii "$msg" "$token" "<$RCPT1>" long
  swaks_data "$msg" "$msg.swaks"
  if run_client "$name" swaks --server 127.0.0.1 --port "$SINK_PORT" --helo "$HELO" --timeout 30 \
      --from "$SENDER" --to "$RCPT1" --data "@$msg.swaks" "${swaks_opts[@]}"; then
    verify_capture "$name" "$token" "$msg" "$with" --from "$SENDER" "${env_opts[@]}"
  fi
}

# Plain SMTP: no STARTTLS although the sink offers it.
client_swaks_plain() {
  swaks_case swaks-plain ESMTP -- --rcpt "$RCPT1" --no-tls --no-user --body 7BIT --no-smtputf8
}

# PIPELINING (RFC 2920): MAIL, RCPT, RCPT and DATA go out in one batch. Two recipients.
client_swaks_pipeline() {
  swaks_case swaks-pipeline ESMTP --pipeline --to "$RCPT1,$RCPT2" \
    -- --rcpt "$RCPT1" --rcpt "$RCPT2" --no-tls --no-user
}

# STARTTLS (RFC 3207) without AUTH.
client_swaks_starttls() {
  swaks_case swaks-starttls ESMTPS --tls -- --rcpt "$RCPT1" --tls --no-user
}

# STARTTLS, then AUTH PLAIN (RFC 4616).
client_swaks_auth_plain() {
  swaks_case swaks-auth-plain ESMTPSA --tls --auth PLAIN --auth-user "$AUTH_USER" --auth-password "$AUTH_PASSWORD" \
    -- --rcpt "$RCPT1" --tls --user "$AUTH_USER"
}

# STARTTLS, then AUTH LOGIN.
client_swaks_auth_login() {
  swaks_case swaks-auth-login ESMTPSA --tls --auth LOGIN --auth-user "$AUTH_USER" --auth-password "$AUTH_PASSWORD" \
    -- --rcpt "$RCPT1" --tls --user "$AUTH_USER"
}

# ---------------------------------------------------------------------------------------------------------------
# curl (smtp:// URLs; the URL path is the EHLO name). --upload-file sends the file as it is; curl dot-stuffs it
# and, since the file ends in CRLF, ends DATA with ".", CRLF.

# curl_case NAME WITH-PROTOCOL CURL-OPTIONS... -- ENVELOPE-CHECK-OPTIONS...
curl_case() {
  local name=$1 with=$2 token msg
  shift 2
  local -a curl_opts=() env_opts=()
  while (($#)) && [[ $1 != -- ]]; do curl_opts+=("$1"); shift; done
  (($#)) && shift
  env_opts=("$@")
  token=$(new_token "$name")
  msg="$WORK/msg/$name.eml"
  compose_ascii "$msg" "$token" "<$RCPT1>, <$RCPT2>" long
  if run_client "$name" curl --verbose --silent --show-error --max-time 50 \
      "smtp://127.0.0.1:$SINK_PORT/$HELO" --mail-from "$SENDER" --mail-rcpt "$RCPT1" --mail-rcpt "$RCPT2" \
      --upload-file "$msg" "${curl_opts[@]}"; then
    verify_capture "$name" "$token" "$msg" "$with" --from "$SENDER" --rcpt "$RCPT1" --rcpt "$RCPT2" "${env_opts[@]}"
  fi
}

# Plain SMTP, two recipients.
client_curl_plain() {
  curl_case curl-plain ESMTP -- --no-tls --no-user
}

# STARTTLS required (--ssl-reqd), the self-signed certificate accepted (--insecure), then AUTH.
client_curl_starttls_auth() {
  curl_case curl-starttls-auth ESMTPSA --ssl-reqd --insecure --user "$AUTH_USER:$AUTH_PASSWORD" \
    -- --tls --user "$AUTH_USER"
}

# ---------------------------------------------------------------------------------------------------------------
# Python smtplib (interop/smtplib-client.py)

# send_message() of an EmailMessage over plain SMTP; the expected bytes come from the same generator call.
client_smtplib_plain() {
  local name=smtplib-plain token
  token=$(new_token "$name")
  local expected="$WORK/msg/$name.eml"
  if run_client "$name" python3 "$SMTPLIB_CLIENT" send-message --port "$SINK_PORT" \
      --token "$token" --expected "$expected"; then
    verify_capture "$name" "$token" "$expected" ESMTP \
      --from "$SENDER" --rcpt "$RCPT1" --no-tls --no-user --no-smtputf8
  fi
}

# starttls() with an unverified context, login(), send_message().
client_smtplib_starttls_auth() {
  local name=smtplib-starttls-auth token
  token=$(new_token "$name")
  local expected="$WORK/msg/$name.eml"
  if run_client "$name" python3 "$SMTPLIB_CLIENT" send-message --port "$SINK_PORT" --starttls \
      --login "$AUTH_USER:$AUTH_PASSWORD" --token "$token" --expected "$expected"; then
    verify_capture "$name" "$token" "$expected" ESMTPSA \
      --from "$SENDER" --rcpt "$RCPT1" --tls --user "$AUTH_USER"
  fi
}

# sendmail() of raw UTF-8 bytes with MAIL FROM ... BODY=8BITMIME (RFC 6152), including a line over 1000 octets.
client_smtplib_8bitmime() {
  local name=smtplib-8bitmime token
  token=$(new_token "$name")
  local msg="$WORK/msg/$name.eml"
  compose_utf8 "$msg" "$token" "$SENDER" "<$RCPT1>"
  if run_client "$name" python3 "$SMTPLIB_CLIENT" sendmail --port "$SINK_PORT" \
      --from "$SENDER" --to "$RCPT1" --mail-option BODY=8BITMIME --data "$msg"; then
    verify_capture "$name" "$token" "$msg" ESMTP \
      --from "$SENDER" --rcpt "$RCPT1" --body 8BITMIME --no-smtputf8
  fi
}

# sendmail() with MAIL FROM:<jösé@example.test> SMTPUTF8 (RFC 6531) and UTF-8 header fields (RFC 6532).
client_smtplib_smtputf8() {
  local name=smtplib-smtputf8 token from="jösé@example.test" rcpt="zoë@sink.posthorn.test"
  token=$(new_token "$name")
  local msg="$WORK/msg/$name.eml"
  compose_utf8 "$msg" "$token" "$from" "<$rcpt>"
  if run_client "$name" python3 "$SMTPLIB_CLIENT" sendmail --port "$SINK_PORT" \
      --from "$from" --to "$rcpt" --mail-option SMTPUTF8 --mail-option BODY=8BITMIME --data "$msg"; then
    verify_capture "$name" "$token" "$msg" UTF8SMTP \
      --from "$from" --rcpt "$rcpt" --smtputf8 --body 8BITMIME
  fi
}

# ---------------------------------------------------------------------------------------------------------------

# auth_required: against a sink started with --auth, MAIL without AUTH is refused with 530 5.7.0 and nothing is
# captured.
auth_required() {
  local name=auth-required log="$WORK/logs/auth-required.log" before after
  before=$(find "$SINK_DIR" -name '*.eml' | wc -l)
  if timeout "$CLIENT_TIMEOUT" swaks --server 127.0.0.1 --port "$SINK_PORT" --helo "$HELO" --timeout 30 --tls \
      --from "$SENDER" --to "$RCPT1" </dev/null >"$log" 2>&1; then
    fail "$name" "swaks without AUTH was accepted (transcript: $log)"
    return
  fi
  after=$(find "$SINK_DIR" -name '*.eml' | wc -l)
  if ! grep -q '<~\* 530 5\.7\.0' "$log" && ! grep -q '<\*\* 530 5\.7\.0' "$log"; then
    fail "$name" "no 530 5.7.0 to MAIL without AUTH (transcript: $log)"
    show_log "$log"
  elif ((after != before)); then
    fail "$name" "a message was captured without AUTH"
  else
    pass "$name (MAIL without AUTH: 530 5.7.0, nothing captured)"
  fi
}

# run_open_clients: the clients that send without AUTH, against a sink started without --auth.
run_open_clients() {
  mkdir -p "$WORK/msg" "$WORK/logs"
  client_swaks_plain
  client_swaks_pipeline
  client_swaks_starttls
  client_curl_plain
  client_smtplib_plain
  client_smtplib_8bitmime
  client_smtplib_smtputf8
}

# run_auth_clients: the clients that authenticate, and the refusal without AUTH, against a sink started with --auth.
run_auth_clients() {
  mkdir -p "$WORK/msg" "$WORK/logs"
  auth_required
  client_swaks_auth_plain
  client_swaks_auth_login
  client_curl_starttls_auth
  client_smtplib_starttls_auth
}

# Standalone: interop/sink-clients.sh PORT DIR, against a sink that is already running.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  if (($# != 3)) || [[ $3 != open && $3 != auth ]]; then
    echo "usage: $0 PORT DIR open|auth   (a posthorn sink already listening on 127.0.0.1:PORT, writing to DIR;" >&2
    echo "       auth: one started with --auth $AUTH_USER:$AUTH_PASSWORD)" >&2
    exit 2
  fi
  SINK_PORT=$1
  SINK_DIR=$2
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/posthorn-interop-clients.XXXXXX")
  echo "interop: messages and transcripts in $WORK" >&2
  "run_$3_clients"
  echo "interop: $INTEROP_PASSED passed, $INTEROP_FAILED failed"
  ((INTEROP_FAILED == 0))
fi
