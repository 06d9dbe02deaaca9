import { Link, Navigate, useNavigate } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import { useSession } from "@/lib/session";
import { AuthCard } from "../components/AuthCard";
import { RegisterForm } from "../components/RegisterForm";

export function RegisterPage() {
  const navigate = useNavigate();
  const session = useSession();
  if (session) return <Navigate to="/" replace />;
  return (
    <AuthCard
      title="Create your account"
      intro={
        <Alert tone="info">
          The first account registered on this platform becomes its <strong>administrator</strong>. Every later account
          is a tenant that sees only its own stores.
        </Alert>
      }
      footer={
        <>
          Already registered?{" "}
          <Link className="text-blue-700 underline" to="/login">
            Sign in
          </Link>
        </>
      }
    >
      <RegisterForm onRegistered={() => navigate("/", { replace: true })} />
    </AuthCard>
  );
}
