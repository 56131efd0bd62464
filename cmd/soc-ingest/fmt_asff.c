/*
 * fmt_asff.c: AWS Security Hub findings in the AWS Security Finding
 * Format (asff): the driver splits {"Findings":[...]}; in an EventBridge
 * "Security Hub Findings" envelope the first of detail.findings is
 * mapped.  It stays C for Resources[] of typed resources and the Types
 * paths read as tactics (doc/design.md).
 *
 * Keys are read ignoring case (vendor.h) because SIEM exports of these
 * logs often lower-case them; Panther's p_event_time stands in for a time
 * the export dropped.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "vendor.h"

/* --- Security Hub ASFF ---------------------------------------------- */

/*
 * The finding: the record, the first of an EventBridge envelope's
 * detail.findings, or the element of a GetFindings response
 * {"Findings":[...], "NextToken":...} the driver left whole (it splits
 * arrays and {"Records":[...]}; a response of several findings is a
 * reject until it splits "Findings" too).
 */
static const struct soc_val *
asff_finding(const struct soc_val *in)
{
	const struct soc_val *d = soc_val_key(in, "detail"), *f;

	if (soc_val_is_object(d) && (f = vnd_get(d, "findings.0")) != NULL &&
	    soc_val_is_object(f))
		return f;
	f = soc_val_key(in, "Findings");
	if (soc_val_is_array(f) && soc_val_is_object(soc_val_at(f, 0)))
		return soc_val_at(f, 0);
	return in;
}

static int
asff_detect(const struct soc_val *in)
{
	const struct soc_val *f = asff_finding(in);

	if (vnd_str(f, "SchemaVersion") && vnd_str(f, "ProductArn") &&
	    vnd_str(f, "AwsAccountId"))
		return 95;
	if (vnd_str(f, "ProductArn") && vnd_str(f, "GeneratorId") &&
	    (vnd_get(f, "Severity") || vnd_get(f, "Types")))
		return 85;
	return 0;
}

/* "TTPs/Initial Access/..." -> the tactic of its second segment. */
static void
asff_types(struct soc_val *out, const struct soc_val *types)
{
	const struct soc_val *t;
	size_t i;

	soc_val_foreach(types, i, t) {
		const char *s = soc_val_str(t), *a, *b;
		char tac[64];

		if (!s)
			continue;
		if (i == 0)
			soc_val_set_str(out, "rule.category", s);
		if (!vnd_prefix(s, "TTPs/") || !(a = strchr(s, '/')))
			continue;
		a++;
		b = strchr(a, '/');
		if (!b)
			b = a + strlen(a);
		if ((size_t)(b - a) >= sizeof tac)
			continue;
		memcpy(tac, a, (size_t)(b - a));
		tac[b - a] = '\0';
		ing_add_tactic(out, tac);
	}
}

static void
asff_resources(struct soc_val *out, const struct soc_val *res)
{
	const struct soc_val *r, *ips, *x;
	size_t i, j;

	soc_val_foreach(res, i, r) {
		const char *type = vnd_str(r, "Type"), *id = vnd_str(r, "Id");

		if (!type)
			continue;
		if (strcmp(type, "AwsEc2Instance") == 0) {
			const char *slash = id ? strrchr(id, '/') : NULL;

			soc_val_set_str(out, "cloud.instance.id",
			    slash ? slash + 1 : id);
			soc_val_set_str(out, "host.id", slash ? slash + 1 : id);
			ips = vnd_get(r, "Details.AwsEc2Instance.IpV4Addresses");
			soc_val_foreach(ips, j, x)
				vnd_add_ip(out, "host.ip",
				    soc_val_str(x));
		} else if (strcmp(type, "AwsIamAccessKey") == 0) {
			soc_val_set_str(out, "user.name", vnd_str_any(r,
			    "Details.AwsIamAccessKey.PrincipalName",
			    "Details.AwsIamAccessKey.UserName", NULL));
			soc_val_set_str(out, "user.id", vnd_str(r,
			    "Details.AwsIamAccessKey.PrincipalId"));
			soc_val_set_str(out, "aws.user_identity.access_key_id",
			    vnd_str(r, "Details.AwsIamAccessKey.AccessKeyId"));
		} else if (strcmp(type, "AwsIamUser") == 0) {
			soc_val_set_str(out, "user.name",
			    vnd_str(r, "Details.AwsIamUser.UserName"));
		} else if (strcmp(type, "AwsIamRole") == 0) {
			soc_val_add_str(out, "user.roles",
			    vnd_str(r, "Details.AwsIamRole.RoleName"));
		}
		if (i == 0)
			soc_val_set_str(out, "cloud.region", vnd_str(r, "Region"));
	}
}

/*
 * An ASFF finding to the record.
 * long: one mapping of a vendor's fields read top to bottom
 */
static int
asff_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *f = asff_finding(in);
	const char *label, *title, *product;
	double nsev;
	int sev = -1;

	if (soc_val_array_size(soc_val_key(in, "Findings")) > 1) {
		snprintf(c->why, sizeof c->why,
		    "{\"Findings\":[...]} of %zu findings not split",
		    soc_val_array_size(soc_val_key(in, "Findings")));
		*why = c->why;
		return -1;
	}

	if (vnd_time(c, out, f, why, "UpdatedAt", "CreatedAt",
	    "LastObservedAt", "FirstObservedAt", NULL) < 0)
		return -1;
	title = vnd_str(f, "Title");
	product = vnd_str_any(f, "ProductName", "ProductFields.aws/securityhub/ProductName", NULL);
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "aws.securityhub");
	soc_val_set_str(out, "event.id", vnd_str(f, "Id"));
	soc_val_set_str(out, "event.provider", vnd_str(f, "ProductArn"));
	soc_val_set_str(out, "observer.vendor", vnd_str_any(f, "CompanyName",
	    "ProductFields.aws/securityhub/CompanyName", NULL));
	if (!vnd_str_any(f, "CompanyName",
	    "ProductFields.aws/securityhub/CompanyName", NULL))
		soc_val_set_str(out, "observer.vendor", "AWS");
	soc_val_set_str(out, "observer.product", product ? product :
	    "Security Hub");
	soc_val_set_str(out, "cloud.provider", "aws");
	soc_val_set_str(out, "cloud.account.id", vnd_str(f, "AwsAccountId"));
	soc_val_set_str(out, "cloud.region", vnd_str(f, "Region"));
	soc_val_set_str(out, "rule.id", vnd_str(f, "GeneratorId"));
	soc_val_set_str(out, "rule.name", title);
	soc_val_set_str(out, "rule.description", vnd_str(f, "Description"));
	asff_types(out, vnd_get(f, "Types"));
	asff_resources(out, vnd_get(f, "Resources"));

	label = vnd_str(f, "Severity.Label");
	if (label)
		sev = vnd_sev_word(label);
	if (ing_vendor_sev(out, vnd_get(f, "Severity.Normalized"), 0, 100, 0,
	    &nsev) == 0 && sev < 0)
		sev = (int)lround(nsev);
	ing_set_severity(out, sev < 0 ? 50 : sev);

	/* Network{} and Process{} of the finding. */
	if (!ing_set_ip(out, "source.ip", vnd_str(f, "Network.SourceIpV4")))
		ing_set_ip(out, "source.ip", vnd_str(f, "Network.SourceIpV6"));
	ing_set_port(out, "source.port", vnd_get(f, "Network.SourcePort"));
	soc_val_set_str(out, "source.domain", vnd_str(f, "Network.SourceDomain"));
	if (!ing_set_ip(out, "destination.ip",
	    vnd_str(f, "Network.DestinationIpV4")))
		ing_set_ip(out, "destination.ip",
		    vnd_str(f, "Network.DestinationIpV6"));
	ing_set_port(out, "destination.port",
	    vnd_get(f, "Network.DestinationPort"));
	soc_val_set_str(out, "destination.domain",
	    vnd_str(f, "Network.DestinationDomain"));
	vnd_set_lower(out, "network.transport", vnd_str(f, "Network.Protocol"));
	if (vnd_eq(f, "Network.Direction", "IN"))
		soc_val_set_str(out, "network.direction", "inbound");
	else if (vnd_eq(f, "Network.Direction", "OUT"))
		soc_val_set_str(out, "network.direction", "outbound");
	soc_val_set_str(out, "process.name", vnd_str(f, "Process.Name"));
	soc_val_set_str(out, "process.executable", vnd_str(f, "Process.Path"));
	ing_set_n(out, "process.pid", vnd_get(f, "Process.Pid"));
	ing_set_n(out, "process.parent.pid", vnd_get(f, "Process.ParentPid"));

	vnd_msg(out, "Security Hub finding from %s (%s): %s",
	    product ? product : "Security Hub",
	    label ? label : "severity unknown",
	    title ? title : vnd_str_any(f, "Id", NULL) ?
	    vnd_str_any(f, "Id", NULL) : "");
	return 0;
}

const struct ing_format ing_fmt_asff = {
	.name = "asff",
	.desc = "AWS Security Hub findings (ASFF, also {\"Findings\":[...]})",
	.detect_json = asff_detect,
	.map_json = asff_map,
	.ns = "aws.securityhub",
};
