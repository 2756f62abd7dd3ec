/**
 * Operations: the mail log and the admin API's parts ({@link dev.posthorn.mta.admin.ApiRoutes}), such as the queue
 * ({@link dev.posthorn.mta.admin.QueueApi}).
 *
 * <p>Trust boundary: requests reach the routes authenticated (bearer token) and with bounded bodies; path segments
 * and query values are still untrusted text: an id that is not a queue id is never used as a file name and is shown
 * back only as letters and digits, and documents are written with Jackson's generator (every string escaped).
 */
package dev.posthorn.mta.admin;
