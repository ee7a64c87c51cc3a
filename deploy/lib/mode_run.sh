# Sourced by deploy/local.sh: make run, the stack in the foreground until Ctrl-C.

mode_run() {
    local svc
    declare -A reported=()
    start_all
    print_logins
    while true; do
        for svc in "${!SVC_PID[@]}"; do
            if [[ -z ${reported[$svc]:-} ]] && ! alive "${SVC_PID[$svc]}"; then
                reported[$svc]=1
                warn "$svc has stopped:"
                log_tail "$LOGS/$svc.log" 20 >&2
            fi
        done
        if ! alive "$NGINX_PID"; then
            log_tail "$LOGS/gateway-error.log" 20 >&2
            fatal "the gateway has stopped"
        fi
        sleep 2 &
        wait $! || true
    done
}

print_logins() {
    cat <<EOF

The district office is running: http://localhost:${PORT[gateway]}/api/v1/
  and with TLS: https://localhost:${PORT[gateway_tls]}/api/v1/ (certificate $TLS_CERT_FILE)
The web console (工作台): http://localhost:${PORT[gateway]}/
(logs in $LOGS; Ctrl-C stops everything)

Demo logins (DESIGN.md section 10), password demo123 for all, demo only:

  mayor                       district mayor 区长 (district leadership)
  vmayor1, vmayor2            deputy mayors 副区长 (district leadership)
  director                    office director 主任 (office leadership)
  deputy_gov                  deputy director in charge of government affairs,
                              supervises 文秘科 (office leadership)
  deputy2                     deputy director, supervises 综合科 and 信息科
                              (office leadership)
  deputy3                     deputy director (office leadership)
  wenmi_chief                 secretariat chief, meeting recorder (文秘科)
  wenmi1                      clerk (文秘科: has a printer; the print section)
  custodian                   seal custodian (文秘科)
  zonghe_chief                chief (综合科: has a printer)
  zonghe1, zonghe2            staff (综合科)
  xinxi1                      the only person in 信息科 (no printer)
  sec1, sec2                  secretaries serving mayor and vmayor1 (综合科)
  town1_clerk                 clerk of an external unit (某某乡)
  admin                       system administrator

Try:  curl -s http://localhost:${PORT[gateway]}/api/v1/auth/login \\
        -H 'Content-Type: application/json' \\
        -d '{"username":"director","password":"demo123"}'

EOF
}
