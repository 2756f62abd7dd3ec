/**
 * The {@code posthorn} command line: argument parsing and wiring only; the work is done by the modules it calls.
 */
package dev.posthorn.mta.cli;
