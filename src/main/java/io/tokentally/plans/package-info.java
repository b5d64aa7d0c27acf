/** Customers and their plans: markups per plan with provider and model overrides. */
package io.tokentally.plans;
