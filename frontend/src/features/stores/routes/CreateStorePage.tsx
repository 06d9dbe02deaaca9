import { Link, useNavigate } from "react-router-dom";
import { PageHeader } from "@/components/PageHeader";
import { Card, CardContent } from "@/components/ui/card";
import { CreateStoreForm } from "../components/CreateStoreForm";

export function CreateStorePage() {
  const navigate = useNavigate();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-blue-700 underline" to="/stores">
          ← Stores
        </Link>
      </p>
      <PageHeader
        title="Create a store"
        description="The store is committed to the fleet repo and provisioned by the cluster."
      />
      <Card>
        <CardContent className="p-4">
          <CreateStoreForm onCreated={(store) => navigate(`/stores/${store.id}`)} />
        </CardContent>
      </Card>
    </>
  );
}
