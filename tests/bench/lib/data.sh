# Sourced by tests/bench/run.sh: the data at scale, the tokens the Lua
# scripts send, and benchtool, which mints them.

BENCHTOOL=$WORK/benchtool
build_benchtool() {
    local lib=$REPO_DIR/build/release/libcommon.a
    [[ -f $lib ]] || die "$lib is missing (make build)"
    # The packages the Makefile links every binary with.
    local pkgs="libulfius libjwt jansson libpq libsodium libmicrohttpd liborcania gnutls"
    # shellcheck disable=SC2046,SC2086
    cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$REPO_DIR/common" \
        $(pkg-config --cflags $pkgs) -o "$BENCHTOOL" "$HERE/benchtool.c" "$lib" \
        $(pkg-config --libs $pkgs) -lpthread -lm || die "could not build benchtool"
}

# A TCP port nothing listens on.

load_sql() {
    local what=$1 file=$2 t0=$SECONDS
    shift 2
    say "loading $what ($(basename "$file"))"
    "${PSQL[@]}" "$@" -f "$file" "$ADMIN_DATABASE_URL" >"$WORK/load-$what.log" 2>&1 || {
        tail -n 20 "$WORK/load-$what.log" >&2
        die "loading $what failed"
    }
    say "  $what loaded in $((SECONDS - t0)) s"
}

# Access tokens for the Lua scripts, as "user_id<TAB>token" files:
#   tokens.tsv      BENCH_TOKENS random bench staff (readers, applicants,
#                   requesters)
#   chiefs.tsv      the bench section chiefs (leave and bench-seal approvers)
#   deputies.tsv    the bench deputy directors (office leaders: read logs)
#   custodians.tsv  the custodians of the bench seals (when seals runs)
USER_COLS="u.id, u.username, u.position, coalesce(u.department_id, 0),
           CASE WHEN u.is_admin THEN 't' ELSE 'f' END,
           CASE WHEN u.is_secretary THEN 't' ELSE 'f' END, coalesce(u.serves_leader_id, 0)"
mint_group() {
    local file=$1 where=$2
    sql "SELECT $USER_COLS FROM identity.users u WHERE $where" |
        tr '|' '\t' | "$BENCHTOOL" mint "$JWT_PRIVATE_KEY_FILE" 7200 >"$DATA/$file" ||
        die "minting $file failed"
}
mint_tokens() {
    local t0=$SECONDS
    say "minting access tokens (RS256, with the identity private key)"
    mint_group tokens.tsv "u.username LIKE 'bench%' AND u.position = 'staff'
                           ORDER BY md5(u.id::text) LIMIT $NTOKENS"
    mint_group chiefs.tsv "u.username LIKE 'bench%' AND u.position = 'section_chief'"
    mint_group deputies.tsv "u.username LIKE 'bench%' AND u.position = 'deputy_director'"
    : >"$DATA/custodians.tsv"
    : >"$DATA/meeting_people.tsv"
    if has_service meetings; then
        mint_group meeting_people.tsv "u.username IN ('director', 'wenmi_chief', 'wenmi1', 'deputy2')
            ORDER BY array_position(ARRAY['director', 'wenmi_chief', 'wenmi1', 'deputy2'], u.username::text)"
    fi
    if has_service documents; then
        mint_group doc_secretariat.tsv "u.username = 'wenmi1'"
        mint_group doc_director.tsv "u.username = 'director'"
    fi
    if has_service seals; then
        mint_group custodians.tsv "u.id IN (SELECT custodian_id FROM seals.seals
                                            WHERE name LIKE '压测章%')"
    fi
    say "  $(cat "$DATA"/*.tsv | wc -l) tokens in $((SECONDS - t0)) s"
}

load_identity() {
    load_sql identity "$HERE/sql/identity.sql"
    read -r USER_MIN USER_MAX < <(sql "SELECT min(id), max(id) FROM identity.users" | tr '|' ' ')
    export BENCH_USER_MIN=$USER_MIN BENCH_USER_MAX=$USER_MAX
    sql "SELECT username FROM identity.users WHERE username LIKE 'bench%'
         ORDER BY md5(id::text) LIMIT 2000" >"$DATA/login_users.txt"
    # Cursors of the directory: the page after 2000 random users.
    sql "SELECT id FROM identity.users ORDER BY md5(id::text) LIMIT 2000" |
        "$BENCHTOOL" cursors >"$DATA/users_cursors.txt"
}

# Attendance: leave requests in two steps, so that the to-approve list is
# measured at 10 000 rows and again at BENCH_LOG_ROWS.
load_attendance_small() {
    load_sql attendance-10k "$HERE/sql/attendance.sql" -v rows=10000
}
load_attendance_rest() {
    load_sql attendance "$HERE/sql/attendance.sql" -v rows="$LOG_ROWS"
}

load_seals() {
    load_sql seals "$HERE/sql/seals.sql" -v rows="$LOG_ROWS"
    sql "SELECT id FROM seals.seals WHERE name LIKE '压测章%' ORDER BY id" >"$DATA/seals.txt"
    sql "SELECT id FROM seals.seals WHERE name IN ('区政府公章', '区政府办公室公章')
         ORDER BY id" >"$DATA/log_seals.txt"
}

# Printing: bench sections get printers; the copy register gets BENCH_LOG_ROWS
# entries, half of them 综合科's (the department the year scenario reads most).
load_printing() {
    load_sql printing "$HERE/sql/printing.sql" -v rows="$LOG_ROWS"
    sql "SELECT id FROM identity.departments WHERE name = '综合科'
         UNION ALL (SELECT id FROM identity.departments WHERE name LIKE '压测科%'
                    ORDER BY id LIMIT 20)" >"$DATA/register_departments.txt"
}

# Meetings: 1 000, then 100 000 published decisions for the supervision
# report; the
# people and ids of the meeting flow (the director, every deputy director,
# the recorder and 综合科's chief are marked present).
load_meetings() {
    load_sql meetings-1k "$HERE/sql/meetings.sql" -v meetings=50
    sql "SELECT id FROM identity.departments WHERE name LIKE '压测科%'
         ORDER BY id LIMIT 50" >"$DATA/report_departments.txt"
    {
        echo "department=$(sql "SELECT id FROM identity.departments WHERE name = '综合科'")"
        echo "presenter=$(sql "SELECT id FROM identity.users WHERE username = 'zonghe_chief'")"
        echo "present=$(sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM identity.users
                              WHERE active AND (position IN ('office_director', 'deputy_director')
                              OR username IN ('wenmi_chief', 'zonghe_chief'))")"
    } >"$DATA/meeting_flow.txt"
}

load_meetings_rest() {
    load_sql meetings "$HERE/sql/meetings.sql" -v meetings=5000
}

# Documents: outgoing documents and incoming items in two steps (10 000
# rows, then BENCH_LOG_ROWS), so that the search and the overdue list are
# measured at both sizes; 400 000 proofread documents wait for numbers.
documents_files() {
    sql "SELECT id FROM documents.documents WHERE title LIKE '待编号文件%（压测编号）'
         AND state = 'proofread' ORDER BY id" >"$DATA/numbering_ids.txt"
    sql "SELECT id FROM documents.documents WHERE title LIKE '关于%（压测）'
         ORDER BY id LIMIT 50" >"$DATA/pdf_ids.txt"
    printf '%s\n' 安全生产 防汛抗旱 森林防火 环境保护 招商引资 项目建设 乡村振兴 城市管理 \
        教育发展 医疗卫生 社会保障 就业创业 财政预算 国有资产 审计整改 信访稳定 >"$DATA/search_terms.txt"
}
load_documents_small() {
    load_sql documents-10k "$HERE/sql/documents.sql" -v rows=10000
    documents_files
}
load_documents_rest() {
    load_sql documents "$HERE/sql/documents.sql" -v rows="$LOG_ROWS"
}

# A service's data is loaded when it runs and one of its scenarios is
# selected (BENCH_ONLY), so that a run of one service's scenarios does not
# wait for every other service's million rows.
wanted() {
    has_service "$1" && [[ -f $HERE/sql/$1.sql ]] || return 1
    [[ -z $ONLY ]] && return 0
    local name
    for name in "${SCEN_NAMES[@]}"; do
        [[ $name == "$1"_* && $name == *"$ONLY"* ]] && return 0
    done
    return 1
}

declare -A LOADED=()
load_once() {
    [[ -n ${LOADED[$1]:-} ]] && return 0
    LOADED[$1]=1
    "$2"
}
