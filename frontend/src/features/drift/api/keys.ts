/** Query keys of the drift feature, in one place. */
export const driftKeys = {
  all: ["drift"] as const,
  report: () => [...driftKeys.all, "report"] as const,
};
