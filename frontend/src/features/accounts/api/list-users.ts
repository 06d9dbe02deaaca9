import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";

export type Role = Schemas["Role"];
export type Account = Schemas["UserOut"];
export type UserFilters = { role?: Role; is_active?: boolean };
export type UserQuery = UserFilters & { limit: number; offset: number };

export const userKeys = { all: ["users"] as const, list: (q: UserQuery) => ["users", "list", q] as const };

export function listUsers(query: UserQuery): Promise<Schemas["UserList"]> {
  return unwrap(api.GET("/api/v1/users", { params: { query } }));
}

/** Every account, oldest first (admins). */
export function useUsers(query: UserQuery) {
  return useQuery({
    queryKey: userKeys.list(query),
    queryFn: () => listUsers(query),
    placeholderData: keepPreviousData,
  });
}
