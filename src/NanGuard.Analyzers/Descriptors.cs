using Microsoft.CodeAnalysis;

namespace NanGuard.Analyzers;

/// <summary>Every NanGuard rule's descriptor: title, message, category, default severity, description, help link.</summary>
public static class Descriptors
{
    /// <summary>Where the rule pages live; each rule's help link is this plus <c>NGxxxx.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/nanguard/nanguard/blob/main/docs/rules/";

    private const string Numerics = "NanGuard.Numerics";
    private const string Training = "NanGuard.Training";
    private const string Usage = "NanGuard.Usage";

    /// <summary>NG1001.</summary>
    public static readonly DiagnosticDescriptor LogOfSoftmax = Create(
        DiagnosticIds.LogOfSoftmax, Numerics, DiagnosticSeverity.Warning,
        "Log of a softmax underflows to -inf",
        "log of a softmax gives -inf where a probability underflows to 0; use {0}",
        "A softmax probability that underflows to exactly 0 makes log return -inf and the gradient NaN. log_softmax computes the same value from the logits without forming the probability.");

    /// <summary>NG1002.</summary>
    public static readonly DiagnosticDescriptor HandWrittenCrossEntropy = Create(
        DiagnosticIds.HandWrittenCrossEntropy, Numerics, DiagnosticSeverity.Warning,
        "Hand-written cross entropy over a softmax",
        "Hand-written cross entropy turns NaN when a probability underflows; {0}",
        "-(y * log(softmax(x))).sum() forms probabilities and takes their log: one that underflows gives -inf and then NaN. cross_entropy computes the loss from the logits.");

    /// <summary>NG1003.</summary>
    public static readonly DiagnosticDescriptor LogOfSigmoid = Create(
        DiagnosticIds.LogOfSigmoid, Numerics, DiagnosticSeverity.Warning,
        "Log of a sigmoid underflows to -inf",
        "log of {0} gives -inf where the sigmoid saturates; use {1}",
        "sigmoid(x) underflows to 0 for very negative x, and 1 - sigmoid(x) is 0 in float32 above about 17: log then gives -inf. logsigmoid is computed stably from x.");

    /// <summary>NG1004.</summary>
    public static readonly DiagnosticDescriptor BinaryCrossEntropyOnProbabilities = Create(
        DiagnosticIds.BinaryCrossEntropyOnProbabilities, Numerics, DiagnosticSeverity.Warning,
        "Binary cross entropy on sigmoid probabilities",
        "Binary cross entropy on a sigmoid takes log(0) when the sigmoid saturates; use binary_cross_entropy_with_logits on the logits",
        "binary_cross_entropy(sigmoid(x), y) and its hand-written form take the log of a probability that can be exactly 0 or 1. binary_cross_entropy_with_logits works on x.");

    /// <summary>NG1005.</summary>
    public static readonly DiagnosticDescriptor LogSumExp = Create(
        DiagnosticIds.LogSumExp, Numerics, DiagnosticSeverity.Warning,
        "Log of a sum of exponentials overflows",
        "exp overflows to inf above about 88.7 in float32; use torch.logsumexp",
        "log(exp(x).sum(d)) overflows as soon as one element exceeds about 88.7 (float32). logsumexp subtracts the maximum first.");

    /// <summary>NG1006.</summary>
    public static readonly DiagnosticDescriptor HandWrittenSoftmax = Create(
        DiagnosticIds.HandWrittenSoftmax, Numerics, DiagnosticSeverity.Warning,
        "Hand-written softmax overflows",
        "exp(x) / exp(x).sum(d) gives inf / inf = NaN for large x; use softmax",
        "A hand-written softmax overflows when any logit exceeds about 88.7 (float32). softmax subtracts the maximum first.");

    /// <summary>NG1007.</summary>
    public static readonly DiagnosticDescriptor HandWrittenSoftplus = Create(
        DiagnosticIds.HandWrittenSoftplus, Numerics, DiagnosticSeverity.Warning,
        "Hand-written softplus overflows",
        "log(1 + exp(x)) overflows for large x; use softplus",
        "exp(x) overflows above about 88.7 (float32), making log(1 + exp(x)) inf. softplus is linear above its threshold.");

    /// <summary>NG1008.</summary>
    public static readonly DiagnosticDescriptor Log1pExpm1 = Create(
        DiagnosticIds.Log1pExpm1, Numerics, DiagnosticSeverity.Info,
        "Precision loss in log(1 + x) or exp(x) - 1",
        "{0} loses precision near 0; use {1}",
        "1 + x rounds to 1 for small x, and exp(x) - 1 cancels: log1p and expm1 keep full precision near 0.");

    /// <summary>NG1009.</summary>
    public static readonly DiagnosticDescriptor XLogY = Create(
        DiagnosticIds.XLogY, Numerics, DiagnosticSeverity.Warning,
        "x * log(y) is NaN where both are 0",
        "x * log(y) gives 0 * -inf = NaN where y is 0; use torch.xlogy",
        "An entropy term p * log(p) is NaN in the forward pass wherever p is 0. xlogy defines 0 * log(0) as 0.");

    /// <summary>NG1010.</summary>
    public static readonly DiagnosticDescriptor SqrtOfSumOfSquares = Create(
        DiagnosticIds.SqrtOfSumOfSquares, Numerics, DiagnosticSeverity.Warning,
        "Square root of a sum of squares has an infinite gradient at 0",
        "the gradient of sqrt at 0 is inf; use {0}",
        "sqrt((x * x).sum(d)) has an infinite derivative where the sum is 0. A norm's backward is defined as 0 there.");

    /// <summary>NG1011.</summary>
    public static readonly DiagnosticDescriptor DivisionByNorm = Create(
        DiagnosticIds.DivisionByNorm, Numerics, DiagnosticSeverity.Warning,
        "Division by a norm that can be 0",
        "dividing by a norm gives 0 / 0 = NaN for a zero vector; use {0}",
        "x / x.norm(d) is NaN where x is all zeros. normalize and cosine_similarity clamp the norm with an epsilon.");

    /// <summary>NG1012.</summary>
    public static readonly DiagnosticDescriptor StandardizationWithoutEps = Create(
        DiagnosticIds.StandardizationWithoutEps, Numerics, DiagnosticSeverity.Info,
        "Standardisation without epsilon",
        "dividing by a standard deviation that can be 0; add an epsilon",
        "(x - mean) / std divides by 0 where the input is constant. Add a small epsilon to the denominator.");

    /// <summary>NG1013.</summary>
    public static readonly DiagnosticDescriptor DivisionByZeroableSum = Create(
        DiagnosticIds.DivisionByZeroableSum, Numerics, DiagnosticSeverity.Info,
        "Division by a sum that can be 0",
        "the sum of {0} can be 0; clamp the divisor with {1}",
        "A sum of a mask, a count, a relu or an abs is 0 when every term is 0. Clamp it from below before dividing.");

    /// <summary>NG1014.</summary>
    public static readonly DiagnosticDescriptor LogOfZeroable = Create(
        DiagnosticIds.LogOfZeroable, Numerics, DiagnosticSeverity.Info,
        "Log or inverse cosine at a boundary",
        "{0} can be {1}, where {2} is not finite; {3}",
        "log of a relu, abs, mask, count, 1 - p or uniform sample can be log(0) = -inf, and log of an unbounded layer output or a difference can also be NaN; acos and asin of a cosine similarity have an infinite gradient at +-1. Clamp the input away from the boundary where it cannot be negative.");

    /// <summary>NG1015.</summary>
    public static readonly DiagnosticDescriptor UnsafeWhere = Create(
        DiagnosticIds.UnsafeWhere, Numerics, DiagnosticSeverity.Warning,
        "torch.where does not stop NaN in the gradient",
        "the branch torch.where discards still computes {0}, and its NaN reaches the gradient of every input of it that requires grad; make its input safe inside the where",
        "torch.where selects values in the forward pass, but the backward pass multiplies the discarded branch's gradient by 0, and 0 * inf is NaN. Make the input safe before the unsafe op (double where). Only gradients are affected: where nothing in the branch requires grad (data preprocessing), the where alone is enough.");

    /// <summary>NG2001.</summary>
    public static readonly DiagnosticDescriptor UnclippedStep = Create(
        DiagnosticIds.UnclippedStep, Training, DiagnosticSeverity.Warning,
        "Optimizer step with no gradient clipping",
        "step() follows backward() with no gradient clipping{0}; {1}",
        "Measured on libtorch: plain SGD (and ASGD, RAdam's first steps) moves each weight by the learning rate times the gradient, so a gradient of 1e6 moves it a million times further, and clipping the global norm between backward() and step() bounds that step. Adam, AdamW, RMSProp, Adagrad and the other adaptive optimizers move each weight by about the learning rate (RMSProp by 10 times it) whatever the gradient's size: clipping does not change their step. For every optimizer a NaN or Inf gradient makes weights NaN, clipped or not (clipping a NaN norm makes every gradient NaN); skipping the step whose gradient norm is not finite (NanGuard.Runtime's GuardedStep.ClipAndStep, TrainingGuard) keeps the weights finite. Reported as a warning where the loop shows a risk, as a suggestion otherwise.");

    /// <summary>NG2002.</summary>
    public static readonly DiagnosticDescriptor IgnoredClipNorm = Create(
        DiagnosticIds.IgnoredClipNorm, Training, DiagnosticSeverity.Info,
        "Gradient norm ignored before step",
        "the norm clip_grad_norm_ returns is ignored; a NaN norm makes every gradient NaN and step() applies it",
        "TorchSharp's clip_grad_norm_ has no error_if_nonfinite: when the norm is NaN or Inf the clipped gradients are NaN. Skip the step when the norm is not finite.");

    /// <summary>NG2003.</summary>
    public static readonly DiagnosticDescriptor HighLearningRate = Create(
        DiagnosticIds.HighLearningRate, Training, DiagnosticSeverity.Info,
        "High learning rate with no clipping",
        "{2} learning rate {0} is at or above {1} with no gradient clipping in the loop; try a rate 10 to 100 times lower",
        "Measured on libtorch: Adam and AdamW move each weight by about the learning rate at each step, RMSProp by about 10 times it, however large the gradient, so clipping does not slow them; in NanGuard's runs on inputs at the usual scale Adam diverged from 3e-2 and RMSProp from 3e-3. Lower the rate. Plain SGD's step is the rate times the gradient, so there clipping bounds it too; its threshold assumes a loss averaged over the batch. An optimizer no run measured has no default threshold.");

    /// <summary>NG2004.</summary>
    public static readonly DiagnosticDescriptor MissingZeroGrad = Create(
        DiagnosticIds.MissingZeroGrad, Training, DiagnosticSeverity.Warning,
        "Training loop never zeroes the gradients",
        "gradients accumulate across iterations: the loop calls backward() and step() but never zero_grad()",
        "Without zero_grad() each backward() adds to the previous gradients, which grow until the weights overflow.");

    /// <summary>NG2005.</summary>
    public static readonly DiagnosticDescriptor MisplacedClipping = Create(
        DiagnosticIds.MisplacedClipping, Training, DiagnosticSeverity.Warning,
        "Gradient clipping outside backward()..step()",
        "clipping {0} has no effect; move it between backward() and step()",
        "Clipping before backward() clips stale gradients; after step() it clips gradients already applied.");

    /// <summary>NG3001.</summary>
    public static readonly DiagnosticDescriptor StaticClampNotInPlace = Create(
        DiagnosticIds.StaticClampNotInPlace, Usage, DiagnosticSeverity.Warning,
        "Static clamp_min_/clamp_max_ is not in place",
        "torch.{0} returns a new tensor and leaves its input unclamped; call the instance method {1}",
        "In TorchSharp the static clamp_min_ and clamp_max_ call the non-in-place op: the result is discarded and the tensor is not clamped.");

    /// <summary>NG3002.</summary>
    public static readonly DiagnosticDescriptor CompareWithNaN = Create(
        DiagnosticIds.CompareWithNaN, Usage, DiagnosticSeverity.Info,
        "Comparison of a tensor with NaN",
        "comparing a tensor with NaN gives {0} everywhere; use {1}",
        "NaN is not equal to anything, itself included: t == NaN is false everywhere and t != NaN true everywhere. isnan() finds the NaN elements.");

    /// <summary>NG3003.</summary>
    public static readonly DiagnosticDescriptor DirectForwardCall = Create(
        DiagnosticIds.DirectForwardCall, Usage, DiagnosticSeverity.Info,
        "Submodule forward called directly",
        "calling forward directly skips the module's hooks; call {0}.call(...)",
        "TorchSharp runs forward hooks only through call(): in code that registers forward hooks or builds a NanDetector, a submodule invoked through forward() is invisible to them. Where the compilation registers no hook, forward() skips nothing and the rule is silent.");

    /// <summary>NG2006.</summary>
    public static readonly DiagnosticDescriptor UnscaledFloat16Training = Create(
        DiagnosticIds.UnscaledFloat16Training, Training, DiagnosticSeverity.Info,
        "Float16 training with no loss scaling",
        "backward() of a float16 model with no loss scaling: gradients below about 3e-8 underflow to 0 and above 65504 overflow to Inf; {0}",
        "float16 holds magnitudes from about 6e-8 to 65504 only: gradients below about 3e-8 round to exactly 0 (the weights they belong to stop learning) and large ones overflow to Inf. Multiply the loss by a scale before backward() and divide the gradients by it before step(), backing off when they are not finite, as PyTorch's GradScaler and NanGuard.Runtime's LossScaler do. bfloat16 has float32's range and is not reported.");

    /// <summary>NG3004.</summary>
    public static readonly DiagnosticDescriptor HookedForwardCall = Create(
        DiagnosticIds.HookedForwardCall, Usage, DiagnosticSeverity.Warning,
        "Forward hooks skipped by forward()",
        "{0} has forward hooks ({1}) that forward() never runs; call {0}.call(...)",
        "TorchSharp runs a module's forward hooks and pre-hooks only in call(): forward() runs the computation alone, so hooks registered on the module (NaN detection among them) silently never fire.");

    /// <summary>NG1016.</summary>
    public static readonly DiagnosticDescriptor DivisionByZeroable = Create(
        DiagnosticIds.DivisionByZeroable, Numerics, DiagnosticSeverity.Info,
        "Division by a value that can be 0",
        "the divisor is {0}, which can be 0, where the quotient is inf or NaN; {1}",
        "A divisor the code shows can be exactly 0 (a relu, a max of one, a range max - min, a norm or standard deviation of another value, an exp that underflows, a count, an unbounded layer output) gives x / 0 = inf and 0 / 0 = NaN, and an infinite gradient. Clamp a divisor that cannot be negative from below; divide a signed one with StableOps.safe_div.");

    /// <summary>NG1017.</summary>
    public static readonly DiagnosticDescriptor ExpOfUnboundedOutput = Create(
        DiagnosticIds.ExpOfUnboundedOutput, Numerics, DiagnosticSeverity.Warning,
        "Exp of an unbounded layer output overflows",
        "exp of {0} overflows to inf above {1}; clamp the exponent with clamp_max({2})",
        "A Linear or Conv output, or a learned parameter, has no upper bound: exp of it is inf in float32 once it exceeds about 88.7 (11.1 in float16), and inf then gives NaN in the loss and the gradient. Clamp the exponent from above (a log-variance, a log-scale, a log-rate) before exp.");

    /// <summary>NG1018.</summary>
    public static readonly DiagnosticDescriptor RootAtBoundary = Create(
        DiagnosticIds.RootAtBoundary, Numerics, DiagnosticSeverity.Info,
        "Root or fractional power at its boundary",
        "{0} of {1}, which can be {2}, {3}; {4}",
        "sqrt and pow(x, p) with 0 < p < 1 have an infinite gradient at 0, and rsqrt is inf there; a fractional power of a negative value is NaN. Clamp the base from below inside the root where it cannot be negative; make it non-negative by construction where it can.");
    /// <summary>NG1019.</summary>
    public static readonly DiagnosticDescriptor FullyMaskedSoftmax = Create(
        DiagnosticIds.FullyMaskedSoftmax, Numerics, DiagnosticSeverity.Info,
        "Softmax over a row that can be entirely -inf",
        "{0} of a tensor filled with -inf by {1}{2}: a row the mask covers entirely gives NaN; {3}",
        "softmax (and log_softmax) of a row that is -inf throughout is NaN: its largest value is -inf and x - max is -inf - (-inf). A padding mask that covers a whole row (a padding-only sequence) does that. Fill with the dtype's lowest finite value instead: a fully masked row becomes uniform and any other row is unchanged.");

    /// <summary>NG1020.</summary>
    public static readonly DiagnosticDescriptor VanishingEpsilon = Create(
        DiagnosticIds.VanishingEpsilon, Numerics, DiagnosticSeverity.Warning,
        "An epsilon that rounding erases",
        "{0} is {1} in {2}: the epsilon {3} vanishes next to {4}; use {5}",
        "A guard constant such as 1 - 1e-8 or 1e-8 is rounded to the tensor's dtype before it is used: 1 - 1e-8 is exactly 1 in float32 and 1e-8 is 0 in float16, so the clamp or the + eps guards nothing and log(1 - p) or 1 / x still reach -inf or inf. Use an epsilon the dtype can hold next to that value.");

    /// <summary>NG1021.</summary>
    public static readonly DiagnosticDescriptor HandWrittenSegmentSoftmax = Create(
        DiagnosticIds.HandWrittenSegmentSoftmax, Numerics, DiagnosticSeverity.Info,
        "Hand-written softmax per segment",
        "exp of unshifted logits divided by their {0} per segment: a logit above about {1} makes exp inf in {2} and the quotient inf / inf = NaN; subtract each segment's maximum before the exp",
        "A softmax per segment (a graph's edges per node, a set's elements per set) written as exp(x) / sums[index], with sums the scatter_add or index_add of exp(x), overflows where a logit exceeds about 88.7 in float32 (11.1 in float16): exp gives inf and the quotient inf / inf is NaN. Subtract each segment's maximum from the logits first.");

    /// <summary>NG1022.</summary>
    public static readonly DiagnosticDescriptor UnbiasedSpreadOfOne = Create(
        DiagnosticIds.UnbiasedSpreadOfOne, Numerics, DiagnosticSeverity.Info,
        "Unbiased std or var over a dim of size 1",
        "{0} over {1}, which the code makes size 1: the unbiased {0} of one value divides by n - 1 = 0 and is NaN for every input; reduce over the dim the values vary along",
        "An unbiased std or var (TorchSharp's default) divides by n - 1: over a dim of size 1 that is 0 / 0 = NaN, whatever the values, and adding eps afterwards does not help. The code makes the dim size 1 (unsqueeze, a literal 1 in view or reshape), so the reduction covers one value.");

    /// <summary>The page that documents a rule.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    private static DiagnosticDescriptor Create(
        string id, string category, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLink(id));
}
