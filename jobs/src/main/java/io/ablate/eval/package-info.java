/**
 * Prompt datasets and the jobs that run a model over them: the synthetic task corpus whose answers
 * can be checked ({@link io.ablate.eval.TaskCorpus}), the prompt dataset reader, prompt evaluation
 * of variant configs ({@code prompt_eval}, {@code prompt_results}) and activation capture.
 *
 * <p>Errors: a prompt dataset without {@code id}, {@code task} or {@code prompt}, a malformed JSON
 * line (file and line named), or a prompt the model's vocabulary cannot encode is bad input.
 */
package io.ablate.eval;
