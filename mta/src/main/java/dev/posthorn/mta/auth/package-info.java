/**
 * Users who may submit mail: a file of user names with password hashes (Argon2id in the PHC string format, or
 * bcrypt), checked in constant time.
 *
 * <p>Trust boundary: user names and passwords come from SMTP clients (AUTH). Passwords are never logged or kept; a
 * user that does not exist costs the same hashing work as one that does, so timing does not tell which names exist.
 */
package dev.posthorn.mta.auth;
