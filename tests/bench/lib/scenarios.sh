# Sourced by tests/bench/run.sh: the scenarios and their targets.

# The table (issue #16 and the documents, meetings and printing issues):
#   scenario <name> <service> <base-url-variable> <lua-script> <ref> <min> <p99x> [extra]
# ref is S (pgbench -S -M prepared) or B (the TPC-B-like script): the
# throughput is judged as a ratio to it, at least <min> ("-": reported
# only). <p99x> is the most the p99 may be, as a multiple of pgbench -S's
# p99 in the same run (beside the scenario, lib/judge.sh; "-": none).
# extra, optional, is within:<scenario>:<factor>: the same list at the
# smaller table, which this one may not be worse than by more than factor
# (p99 at most factor times its p99, throughput at least its own /
# factor); or gapless: after the runs, every series of document numbers
# (R-DOC-5) must hold 1..N, each number once, N its counter's last. Every
# scenario on the gateway is run again with two copies of each service
# behind a second gateway, and judged against TWO_COPY_MIN x its one-copy
# throughput.
TWO_COPY_MIN=0.9
SCEN_NAMES=()
declare -A SC_SVC=() SC_URL=() SC_LUA=() SC_REF=() SC_MIN=() SC_P99X=() SC_EXTRA=()
scenario() {
    local name=$1
    SCEN_NAMES+=("$name")
    SC_SVC[$name]=$2 SC_URL[$name]=$3 SC_LUA[$name]=$4 SC_REF[$name]=$5
    SC_MIN[$name]=$6 SC_P99X[$name]=$7 SC_EXTRA[$name]=${8:-}
}

scenario identity_user_get_direct identity IDENTITY_URL identity_user_get.lua S 0.6 1.5
scenario identity_user_get_gateway identity GATEWAY_URL identity_user_get.lua S 0.45 2
scenario identity_users_page_gateway identity GATEWAY_URL identity_users_page.lua S 0.3 2.5
scenario identity_login identity GATEWAY_URL identity_login.lua B - -
scenario attendance_leave_to_approve_10k attendance GATEWAY_URL attendance_to_approve.lua S 0.25 3
scenario attendance_leave_to_approve_1m attendance GATEWAY_URL attendance_to_approve.lua S 0.25 3 \
    "within:attendance_leave_to_approve_10k:1.2"
scenario attendance_leave_create_approve attendance GATEWAY_URL attendance_create_approve.lua B 0.35 -
scenario seals_use_flow seals GATEWAY_URL seals_use_flow.lua B 0.25 -
scenario seals_usage_log_month seals GATEWAY_URL seals_usage_log.lua S 0.3 3
scenario printing_job_flow printing GATEWAY_URL printing_job_flow.lua B 0.25 -
scenario printing_register_year printing GATEWAY_URL printing_register_year.lua S 0.25 3
scenario meetings_supervision_report_1k meetings GATEWAY_URL meetings_supervision_report.lua S 0.15 4
scenario meetings_supervision_report_100k meetings GATEWAY_URL meetings_supervision_report.lua S 0.15 4 \
    "within:meetings_supervision_report_1k:1.2"
scenario meetings_flow meetings GATEWAY_URL meetings_flow.lua B - -
scenario documents_outgoing_flow documents GATEWAY_URL documents_outgoing_flow.lua B 0.1 -
scenario documents_numbering documents GATEWAY_URL documents_numbering.lua B 0.3 - gapless
scenario documents_search_10k documents GATEWAY_URL documents_search.lua S 0.2 4
scenario documents_incoming_overdue_10k documents GATEWAY_URL documents_incoming_overdue.lua S 0.2 4
scenario documents_search_1m documents GATEWAY_URL documents_search.lua S 0.2 4 \
    "within:documents_search_10k:1.2"
scenario documents_incoming_overdue_1m documents GATEWAY_URL documents_incoming_overdue.lua S 0.2 4 \
    "within:documents_incoming_overdue_10k:1.2"
scenario documents_pdf documents GATEWAY_URL documents_pdf.lua S - -
