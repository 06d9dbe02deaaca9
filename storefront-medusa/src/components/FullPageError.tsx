import type { ReactNode } from "react";

export function FullPageError({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-6 py-16" data-testid={testId}>
      <div role="alert">
        <h1 className="text-2xl font-bold">{title}</h1>
        <p className="mt-4 text-surface-700">{children}</p>
      </div>
    </main>
  );
}
