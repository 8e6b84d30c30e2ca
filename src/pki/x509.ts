// @peculiar/x509, loaded with the Reflect metadata polyfill its dependency tsyringe needs at import
// time. Modules of ours import X.509 helpers from here, never from the package directly.
import "reflect-metadata";

export * from "@peculiar/x509";
