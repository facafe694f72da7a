/**
 * The command line: {@code ablate COMMAND [options]}. {@link io.ablate.cli.Main} parses typed options
 * ({@link io.ablate.cli.Options}), owns the Spark session, runs one {@link io.ablate.cli.Command} and
 * maps failures to the documented exit codes: 0 success, 2 bad usage or bad input (the message names
 * the option, file, column or value), 3 a gate tripped, 1 anything else.
 */
package io.ablate.cli;
