#!/bin/sh
# soc-ingest over the real samples of ../shared/corpus for suricata-eve,
# wazuh and windows: per file, the exit status, the number of records and
# rejects, the format detected, and that key fields are where they belong.
. "$(dirname "$0")/lib.sh"
[ -d "$CORPUS" ] || skip_all 'no ../shared/corpus'
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
export SOC_NOW=2026-11-22T00:00:00Z

# file | exit | records | rejects | format | jq check on the records
cat >"$T/table" <<'X'
suricata-eve/ait-ldsv11-spiral-eve-from-wazuh.json|0|138|0|suricata-eve|all(.event.kind == "alert" and (.rule.id|test("^[0-9]+$")) and (.source.ip|type) == "string" and .destination.port > 0 and .soc.severity >= 15)
suricata-eve/suricata-verify/output-eve-fileinfo/eve.json|0|1|0|suricata-eve|.[0].file.name == "eicar.com" and .[0].file.size == 68 and .[0].url.domain == "www.eicar.org"
suricata-eve/fever/jsonparse_eve.json|0|3|0|suricata-eve|.[0].dns.question.name == "test.test.local" and .[1].file.hash.md5 == "8d81d793b28b098e8623d47bae23cf44" and .[2].http.request.method == "POST"
suricata-eve/fever/jsonparse_eve_nulls.json|0|1|0|suricata-eve|.[0].source == null and .[0].url.domain == "api.icndb.com"
suricata-eve/fever/jsonparse_eve_broken1.json|65|2|1|suricata-eve|length == 2
suricata-eve/surevego/eve.json|0|266|0|suricata-eve|([.[] | select(.event.kind == "alert")] | length) == 68 and ([.[] | select(.dns)] | length) == 48 and ([.[] | select(.event.kind == "metric")] | length) == 1
suricata-eve/surevego/eve_broken.json|65|262|7|suricata-eve|([.[] | select(.event.kind == "alert")] | length) >= 60
wazuh-ossec/ossec_spiral.json|0|865|0|wazuh|all(.rule.id != null and .event.kind == "alert" and .host.name != null) and ([.[] | select(.event.outcome == "failure" and .source.ip != null)] | length) == 356 and ([.[] | select(.url.original != null)] | length) >= 136
windows-sysmon/otrf/GoldenSAMLADFSMailAccess/WindowsEvents.json|0|38|0|windows|all(.host.name | test("^(ADFS01|DC01)[.]simulandlabs[.]com$"))
windows-sysmon/otrf/Log4Shell/securityauditing_log4shell_cve2021_44228_java_serialized_object_2022-05-13045400.json|0|39|0|windows|all(.event.code != null) and ([.[] | select(.destination.port == 8080)] | length) > 0
windows-sysmon/otrf/Log4Shell/sysmon_log4shell_cve2021_44228_java_serialized_object_2022-05-13045800.json|0|487|0|windows|all(.event.dataset == "windows.sysmon_operational") and ([.[] | select(.event.code == "1" and .process.command_line != null and .process.parent.executable != null)] | length) > 0 and ([.[] | select(.event.code == "3" and .source.ip != null and .destination.ip != null)] | length) > 0
windows-sysmon/otrf/cmd_discover_iexplorer_version_registry/cmd_discover_iexplorer_version_registry_2020-10-2123281491.json|0|68|0|windows|([.[] | select(.registry.path != null)] | length) > 0
windows-sysmon/otrf/psh_input_capture_promptforcreds/psh_input_capture_promptforcreds_2020-10-2001320841.json|0|163|0|windows|all(.host.name != null and .message != "")
windows-sysmon/otrf/psh_lsass_memory_dump_comsvcs/psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.json|0|184|0|windows|([.[] | select(.process.command_line != null and (.process.command_line | test("comsvcs.dll")))] | length) > 0 and ([.[] | select(.process.hash.sha256 != null)] | length) > 0
windows-sysmon/otrf/psh_powershell_httplistener/psh_powershell_httplistener_2020-11-0204130683.json|0|110|0|windows|all(.event.code != null)
windows-sysmon/otrf/psh_windows_vault_web_credentials/psh_windows_vault_web_credentials_2020-10-2819191483.json|0|120|0|windows|all(.observer.vendor == "Microsoft")
X
plan $(($(wc -l <"$T/table") * 4))
while IFS='|' read -r f code nrec nrej fmt expr; do
	p="$CORPUS/$f"
	if [ ! -r "$p" ]; then
		skip "$f absent"; skip "$f"; skip "$f"; skip "$f"
		continue
	fi
	check_exit "$f: exit $code" "$code" \
	    'soc-ingest --rejects "$T/rej" "$p" >"$T/out" 2>/dev/null'
	check "$f: $nrec records, $nrej rejects" \
	    'test "$(wc -l <"$T/out")" -eq "$nrec" && test "$(cat "$T/rej" 2>/dev/null | wc -l)" -eq "$nrej"'
	rm -f "$T/rej"
	check "$f: detected as $fmt" \
	    'jq -e -s "all(.soc.source.format == \"$fmt\" and .soc.kind == \"alert\" and (.soc.id|length) == 32 and (.[\"@timestamp\"]|test(\"Z$\")))" "$T/out" >/dev/null'
	check "$f: key fields" 'jq -e -s "$expr" "$T/out" >/dev/null'
done <"$T/table"
done_testing
