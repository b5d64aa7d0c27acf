/** The command line: run, restart and bench. */
package io.tokentally.cli;
