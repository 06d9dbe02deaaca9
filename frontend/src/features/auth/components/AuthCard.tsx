import type { ReactNode } from "react";
import { Card, CardContent } from "@/components/ui/card";

export function AuthCard({
  title,
  intro,
  children,
  footer,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <main className="mx-auto flex min-h-screen w-full max-w-md flex-col justify-center px-4 py-8">
      <p className="mb-2 text-center text-sm font-semibold tracking-wide text-slate-600">storefleet</p>
      <Card>
        <CardContent className="space-y-4 p-5">
          <h1 className="text-xl font-semibold">{title}</h1>
          {intro}
          {children}
        </CardContent>
      </Card>
      <div className="mt-4 text-center text-sm">{footer}</div>
    </main>
  );
}
