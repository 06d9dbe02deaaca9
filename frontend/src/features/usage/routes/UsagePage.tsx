import { useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Section } from "@/components/Section";
import { Card, CardContent } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";
import { useUsage, type GroupBy, type UsageReport } from "../api/get-usage";
import { CostChart } from "../components/CostChart";
import { GroupBySwitch } from "../components/GroupBySwitch";
import { UsageTable } from "../components/UsageTable";
import { UsageTotals } from "../components/UsageTotals";

/** The grouping lives in the URL, so a view can be reloaded and shared. */
function groupByFrom(params: URLSearchParams): GroupBy {
  return params.get("group_by") === "plan" ? "plan" : "tenant";
}

function UsageSkeleton() {
  return (
    <div className="space-y-4">
      <Skeleton className="h-20 w-full" />
      <Skeleton className="h-40 w-full" />
    </div>
  );
}

function Report({ report }: { report: UsageReport }) {
  if (report.groups.length === 0)
    return (
      <Card>
        <CardContent className="py-8 text-center text-sm text-slate-700">
          No live store yet: nothing is reserved.
        </CardContent>
      </Card>
    );
  return (
    <>
      <Section title={`Estimated monthly cost per ${report.group_by}`}>
        <CostChart report={report} />
      </Section>
      <Section title={`Figures per ${report.group_by}`}>
        <UsageTable report={report} />
      </Section>
    </>
  );
}

export function UsagePage() {
  const [params, setParams] = useSearchParams();
  const groupBy = groupByFrom(params);
  const usage = useUsage(groupBy);

  return (
    <>
      <PageHeader
        title="Usage"
        description="What live stores reserve, from each store's plan, and what that is estimated to cost a month: CPU and memory requests priced for 730 hours, volumes for a month. Limits are a ceiling and are not priced."
      />
      <div className="mb-4">
        <GroupBySwitch
          value={groupBy}
          onChange={(next) => setParams(next === "tenant" ? {} : { group_by: next }, { replace: true })}
        />
      </div>
      <ErrorAlert error={usage.error} title="The usage could not be loaded" />
      {usage.isPending && <UsageSkeleton />}
      {usage.data && (
        <div aria-busy={usage.isPlaceholderData} className={cn("space-y-4", usage.isPlaceholderData && "opacity-60")}>
          <UsageTotals total={usage.data.total} />
          <Report report={usage.data} />
        </div>
      )}
    </>
  );
}
