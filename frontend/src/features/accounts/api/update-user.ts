import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { userKeys } from "./list-users";

export type UserUpdate = { userId: string; change: Schemas["UserUpdateRequest"] };

/** Change an account's role, or deactivate (its tokens stop working at once) or reactivate it. */
export function updateUser({ userId, change }: UserUpdate): Promise<Schemas["UserOut"]> {
  return unwrap(api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: userId } }, body: change }));
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
