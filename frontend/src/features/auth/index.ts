export { LoginPage } from "./routes/LoginPage";
export { RegisterPage } from "./routes/RegisterPage";
export { useCurrentUser } from "./api/get-current-user";
