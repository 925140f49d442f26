/**
 * What generated adjoints and their callers share at run time: {@link
 * dev.adjoint.runtime.FwdResult} for custom rules, {@link dev.adjoint.runtime.Ad#stopGradient},
 * the function interfaces, and {@link dev.adjoint.runtime.GradCheck}.
 */
package dev.adjoint.runtime;
