# eval-table.awk: scripts/eval-table's table.  Input: "column<TAB>figure
# <TAB>value" lines (the "name: value" lines of scripts/eval-sim and
# scripts/eval-ait); cols names the columns in order ("sim" is the
# simulated company, the others AIT-ADS recordings).  Prints a row per
# figure, a column per evaluation and the worst over the AIT recordings.

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
# The table, a row a line: "label|figure|cut|worst" -- the figure it
# reads, how the cell is cut from the value (paren, worstday, else the
# first word), and what "worst" is (min or max of the number, min of a
# fraction k/n, or nothing); a line that is only a label is a heading.
BEGIN {
	FS = "\t"
	nr = split("" \
	    "alert level (soc-score)\n" \
	    "alerts|alerts||\n" \
	    "benign alerts auto-closed|benign_auto_closed||min\n" \
	    "attack steps caught|steps_caught|paren|min\n" \
	    "campaigns caught|campaigns_caught||min\n" \
	    "escalations a day|escalations_per_day||max\n" \
	    "  on the busiest day|max_day||max\n" \
	    "ROC AUC|roc_auc||min\n" \
	    "PR AUC|pr_auc||min\n" \
	    "incident level (soc-correlate)\n" \
	    "steps in an escalated incident|steps_in_escalated||min\n" \
	    "campaigns in one|campaigns_in_escalated||min\n" \
	    "incidents a day for a person|escalated_active_per_day||max\n" \
	    "  on the busiest day|escalated_active_per_day|worstday|max\n" \
	    "new escalated incidents a day|escalated_new_per_day||max\n" \
	    "alerts per escalated incident|compression||min\n" \
	    "incident purity|purity||min\n" \
	    "whole chains in one incident|campaigns_whole_chain||min\n" \
	    "share of a chain in one|chain_share||min\n" \
	    "response (soc-decide, soc-act --dry-run)\n" \
	    "minutes to first decision|time_to_decision_min||max\n" \
	    "minutes to first containment|time_to_containment_min||max\n" \
	    "campaigns contained, no person|campaigns_contained||min\n" \
	    "alerts decided without a person|decided_without_person||min\n" \
	    "", rl, "\n") - 1
	for (r = 1; r <= nr; r++) {
		split(rl[r], f, "|")
		rl[r] = f[1]; rf[r] = f[2]; rc[r] = f[3]; rw[r] = f[4]
	}
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
