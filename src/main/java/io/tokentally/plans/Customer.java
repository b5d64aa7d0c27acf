package io.tokentally.plans;

/** A customer the operator bills, mapped to its Stripe customer and its plan. */
public record Customer(String customerId, String stripeCustomerId, String planId, String name) {}
