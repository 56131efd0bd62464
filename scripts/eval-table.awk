# eval-table.awk: scripts/eval-table's table.  Input: "column<TAB>figure
# <TAB>value" lines (the "name: value" lines of scripts/eval-sim and
# scripts/eval-ait); cols names the columns in order ("sim" is the
# simulated company, the others AIT-ADS recordings).  Prints a row per
# figure, a column per evaluation and the worst over the AIT recordings.

# A row: its label, the figure it reads, how the cell is cut from the
# value, and what "worst" is (min or max of the number, min of a
# fraction k/n, or nothing).
function row(label, fig, cut, worst) {
	nr++; rl[nr] = label; rf[nr] = fig; rc[nr] = cut; rw[nr] = worst
}
function head(label) { nr++; rl[nr] = label; rf[nr] = "" }
function cell(c, r,   v, a) {
	if (rf[r] == "campaigns_caught" && c != "sim") {
		# a recording is one campaign, caught when a step is
		v = val[c, "steps_caught"]
		if (v == "") return ""
		split(v, a, /[(\/)]/)
		return (a[2] + 0 > 0 ? "1" : "0") "/1"
	}
	if (rf[r] == "campaigns_caught")
		return val[c, "campaigns_with_a_step_caught"]
	v = val[c, rf[r]]
	if (v == "") return ""
	if (rc[r] == "paren") { split(v, a, /[()]/); return a[2] }
	if (rc[r] == "worstday") { split(v, a, /worst day |\)/); return a[2] }
	split(v, a, " ")
	return a[1]
}
function num(s,   a) {
	if (s ~ /\//) { split(s, a, "/"); return a[2] + 0 ? a[1] / a[2] : 1 }
	return s + 0
}
BEGIN {
	FS = "\t"
	head("alert level (soc-score)")
	row("alerts", "alerts", "", "")
	row("benign alerts auto-closed", "benign_auto_closed", "", "min")
	row("attack steps caught", "steps_caught", "paren", "min")
	row("campaigns caught", "campaigns_caught", "", "min")
	row("escalations a day", "escalations_per_day", "", "max")
	row("  on the busiest day", "max_day", "", "max")
	row("ROC AUC", "roc_auc", "", "min")
	row("PR AUC", "pr_auc", "", "min")
	head("incident level (soc-correlate)")
	row("steps in an escalated incident", "steps_in_escalated", "", "min")
	row("campaigns in one", "campaigns_in_escalated", "", "min")
	row("incidents a day for a person", "escalated_active_per_day", "", "max")
	row("  on the busiest day", "escalated_active_per_day", "worstday", "max")
	row("new escalated incidents a day", "escalated_new_per_day", "", "max")
	row("alerts per escalated incident", "compression", "", "min")
	row("incident purity", "purity", "", "min")
	row("whole chains in one incident", "campaigns_whole_chain", "", "min")
	row("share of a chain in one", "chain_share", "", "min")
	head("response (soc-decide, soc-act --dry-run)")
	row("minutes to first decision", "time_to_decision_min", "", "max")
	row("minutes to first containment", "time_to_containment_min", "", "max")
	row("campaigns contained, no person", "campaigns_contained", "", "min")
	row("alerts decided without a person", "decided_without_person", "", "min")
}
{ val[$1, $2] = $3 }
END {
	nc = split(cols, col, " ")
	printf "%-32s", ""
	for (i = 1; i <= nc; i++) printf " %9s", col[i]
	if (nc > (col[1] == "sim")) printf " %9s", "worst_ait"
	printf "\n"
	for (r = 1; r <= nr; r++) {
		if (rf[r] == "") { printf "%s\n", rl[r]; continue }
		printf "%-32s", "  " rl[r]
		have = 0; w = ""; ws = ""
		for (i = 1; i <= nc; i++) {
			v = cell(col[i], r)
			printf " %9s", v == "" ? "-" : v
			if (col[i] == "sim" || v == "" || v == "-" || rw[r] == "") continue
			x = num(v)
			if (!have || (rw[r] == "min" ? x < w : x > w)) { w = x; ws = v }
			have = 1
		}
		if (nc > (col[1] == "sim")) printf " %9s", have ? ws : "-"
		printf "\n"
	}
	for (i = 1; i <= nc; i++) {
		if (col[i] == "sim") continue
		if (val[col[i], "steps_missed"] != "")
			m1 = m1 sprintf("  %s: %s\n", col[i], val[col[i], "steps_missed"])
		if (val[col[i], "steps_not_in_escalated"] != "")
			m2 = m2 sprintf("  %s: %s\n", col[i], val[col[i], "steps_not_in_escalated"])
	}
	if (m1 != "") printf "AIT steps missed at alert level:\n%s", m1
	if (m2 != "") printf "AIT steps in no escalated incident:\n%s", m2
}
