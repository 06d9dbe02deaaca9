import { Link } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";

/** No stores yet: say what a store is and how to make the first one. */
export function EmptyState({ filtered }: { filtered: boolean }) {
  if (filtered) {
    return (
      <Card>
        <CardContent className="py-8 text-center text-sm text-slate-700">
          No store matches these filters. Clear the search or pick another status or engine.
        </CardContent>
      </Card>
    );
  }
  return (
    <Card>
      <CardContent className="space-y-3 py-10 text-center">
        <h2 className="text-lg font-semibold">Create your first store</h2>
        <p className="mx-auto max-w-md text-sm text-slate-700">
          Pick WooCommerce or MedusaJS and a name. The platform commits the store to the fleet repository, the cluster
          provisions it, and every later change shows up here as a commit you can roll back.
        </p>
        <Button asChild>
          <Link to="/stores/new">Create a store</Link>
        </Button>
      </CardContent>
    </Card>
  );
}
