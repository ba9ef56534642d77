namespace NanGuard.Analyzers;

/// <summary>The id of every NanGuard rule, as the catalog (docs/rules) names them.</summary>
public static class DiagnosticIds
{
    /// <summary>Log of a softmax.</summary>
    public const string LogOfSoftmax = "NG1001";
    /// <summary>Hand-written cross entropy over a softmax or log_softmax.</summary>
    public const string HandWrittenCrossEntropy = "NG1002";
    /// <summary>Log of a sigmoid, or of one minus a sigmoid.</summary>
    public const string LogOfSigmoid = "NG1003";
    /// <summary>Binary cross entropy on probabilities.</summary>
    public const string BinaryCrossEntropyOnProbabilities = "NG1004";
    /// <summary>Log of a sum of exponentials.</summary>
    public const string LogSumExp = "NG1005";
    /// <summary>Hand-written softmax.</summary>
    public const string HandWrittenSoftmax = "NG1006";
    /// <summary>Hand-written softplus.</summary>
    public const string HandWrittenSoftplus = "NG1007";
    /// <summary>log(1 + x) and exp(x) - 1.</summary>
    public const string Log1pExpm1 = "NG1008";
    /// <summary>Entropy terms p * log(p).</summary>
    public const string XLogY = "NG1009";
    /// <summary>Square root of a sum of squares.</summary>
    public const string SqrtOfSumOfSquares = "NG1010";
    /// <summary>Division by a norm.</summary>
    public const string DivisionByNorm = "NG1011";
    /// <summary>Standardisation without epsilon.</summary>
    public const string StandardizationWithoutEps = "NG1012";
    /// <summary>Division by a sum that can be zero.</summary>
    public const string DivisionByZeroableSum = "NG1013";
    /// <summary>Log of a value that can be zero; acos/asin at the boundary.</summary>
    public const string LogOfZeroable = "NG1014";
    /// <summary>An unsafe op under torch.where.</summary>
    public const string UnsafeWhere = "NG1015";
    /// <summary>Optimizer step with no gradient clipping.</summary>
    public const string UnclippedStep = "NG2001";
    /// <summary>Clipping norm ignored before an unconditional step.</summary>
    public const string IgnoredClipNorm = "NG2002";
    /// <summary>High learning rate with no clipping.</summary>
    public const string HighLearningRate = "NG2003";
    /// <summary>No zero_grad in the training loop.</summary>
    public const string MissingZeroGrad = "NG2004";
    /// <summary>Clipping outside backward..step.</summary>
    public const string MisplacedClipping = "NG2005";
    /// <summary>Float16 training with no loss scaling.</summary>
    public const string UnscaledFloat16Training = "NG2006";
    /// <summary>Static clamp_min_/clamp_max_ used as if in place.</summary>
    public const string StaticClampNotInPlace = "NG3001";
    /// <summary>Comparison of a tensor with NaN.</summary>
    public const string CompareWithNaN = "NG3002";
    /// <summary>forward called directly on a submodule.</summary>
    public const string DirectForwardCall = "NG3003";
    /// <summary>forward called directly on a module that has forward hooks.</summary>
    public const string HookedForwardCall = "NG3004";
    /// <summary>Division by a value that can be 0.</summary>
    public const string DivisionByZeroable = "NG1016";
    /// <summary>exp of an unbounded layer output or parameter.</summary>
    public const string ExpOfUnboundedOutput = "NG1017";
    /// <summary>A root or fractional power at 0 or of a negative value.</summary>
    public const string RootAtBoundary = "NG1018";
    /// <summary>A softmax over a row masked_fill can fill with -inf entirely.</summary>
    public const string FullyMaskedSoftmax = "NG1019";
    /// <summary>An epsilon that rounding erases in the tensor's dtype.</summary>
    public const string VanishingEpsilon = "NG1020";
    /// <summary>A softmax per segment written by hand with scatter_add or index_add.</summary>
    public const string HandWrittenSegmentSoftmax = "NG1021";
    /// <summary>An unbiased std or var over a dim the code makes size 1.</summary>
    public const string UnbiasedSpreadOfOne = "NG1022";
}
