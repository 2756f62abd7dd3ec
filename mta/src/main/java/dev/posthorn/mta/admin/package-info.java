/** Operations: the mail log (and, to come, the admin API and metrics). */
package dev.posthorn.mta.admin;
