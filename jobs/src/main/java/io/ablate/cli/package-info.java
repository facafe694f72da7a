/**
 * The command line: {@code ablate COMMAND [options]}, on picocli. {@link io.ablate.cli.Main}
 * builds the command line, lays a job spec's values ({@code --job FILE.yaml}) under the command
 * line's as the options' defaults, and maps failures to the documented exit codes: 0 success, 2
 * bad usage or bad input (the message names the option, file, column or value, and where a value
 * from a job spec was written), 3 a gate tripped, 1 anything else. Each command parses typed
 * options (converted and checked before Spark starts), owns the Spark session, runs jobs of
 * {@code io.ablate.job} and renders their results ({@link io.ablate.cli.Render}); progress goes
 * to stderr and results to stdout ({@link io.ablate.cli.Console}).
 */
package io.ablate.cli;
