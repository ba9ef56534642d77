using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// NanGuard's rule options, read from <c>.editorconfig</c> (or a global config) for the file being analyzed:
/// <c>nanguard.&lt;id&gt;.&lt;option&gt;</c> for a rule's own option, <c>nanguard.&lt;option&gt;</c> for a shared one.
/// A value that does not parse, or is out of range, falls back to the default: an option never breaks analysis.
/// </summary>
internal static class NanGuardOptions
{
    public const double DefaultMaxNorm = 1.0;
    public const double DefaultLearningRateThreshold = 0.01;
    public const double DefaultSgdLearningRateThreshold = 0.5;
    public const double DefaultRmsPropLearningRateThreshold = 0.003;
    public const double DefaultAdagradLearningRateThreshold = 0.03;
    public const double DefaultEps = 1e-8;
    public const double DefaultMaxExponent = 20;

    /// <summary><c>nanguard.NG2001.max_norm</c>: the max norm NG2001's fix passes to clip_grad_norm_.</summary>
    public static double MaxNorm(AnalyzerOptions options, SyntaxTree tree) =>
        PositiveDouble(options, tree, "nanguard." + DiagnosticIds.UnclippedStep + ".max_norm", DefaultMaxNorm);

    /// <summary>
    /// The learning rate from which an optimizer counts as risky, or null where it has none: Adam and AdamW
    /// <c>nanguard.NG2003.lr_threshold</c> (default 0.01), SGD <c>nanguard.NG2003.sgd_lr_threshold</c> (default 0.5),
    /// RMSProp <c>nanguard.NG2003.rmsprop_lr_threshold</c> (default 0.003), Adagrad
    /// <c>nanguard.NG2003.adagrad_lr_threshold</c> (default 0.03); every other optimizer of torch.optim
    /// (<c>nanguard.NG2003.&lt;name in lower case&gt;_lr_threshold</c>: adadelta, adamax, nadam, radam, asgd, rprop,
    /// lbfgs) has none unless one is set, as no run of NanGuard's measured where it diverges (docs/rules/NG2003.md).
    /// </summary>
    public static double? LearningRateThreshold(AnalyzerOptions options, SyntaxTree tree, string optimizer)
    {
        var key = "nanguard." + DiagnosticIds.HighLearningRate + ".";
        return optimizer switch
        {
            "Adam" or "AdamW" => PositiveDouble(options, tree, key + "lr_threshold", DefaultLearningRateThreshold),
            "SGD" => PositiveDouble(options, tree, key + "sgd_lr_threshold", DefaultSgdLearningRateThreshold),
            "RMSProp" => PositiveDouble(options, tree, key + "rmsprop_lr_threshold", DefaultRmsPropLearningRateThreshold),
            "Adagrad" => PositiveDouble(options, tree, key + "adagrad_lr_threshold", DefaultAdagradLearningRateThreshold),
            _ => PositiveDouble(options, tree, key + optimizer.ToLowerInvariant() + "_lr_threshold", double.NaN) is var set && !double.IsNaN(set) ? set : null,
        };
    }

    /// <summary><c>nanguard.eps</c>: the epsilon the numerics fixes write.</summary>
    public static double Eps(AnalyzerOptions options, SyntaxTree tree) =>
        PositiveDouble(options, tree, "nanguard.eps", DefaultEps);

    /// <summary><c>nanguard.NG1017.max_exponent</c>: the upper bound NG1017's fix clamps an exponent to.</summary>
    public static double MaxExponent(AnalyzerOptions options, SyntaxTree tree) =>
        PositiveDouble(options, tree, "nanguard." + DiagnosticIds.ExpOfUnboundedOutput + ".max_exponent", DefaultMaxExponent);

    /// <summary>Reads a raw option value; editorconfig keys are case-insensitive, and Roslyn stores them lower-cased.</summary>
    public static string? Raw(AnalyzerOptions options, SyntaxTree tree, string key) =>
        options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key.ToLowerInvariant(), out var value)
            ? value
            : null;

    /// <summary>Formats a double as a C# literal that reads back as the same value, as people write them:
    /// <c>1.0</c>, <c>0.5</c>, <c>1e-8</c>, <c>2.5e-7</c>.</summary>
    public static string ToLiteral(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOf('E');
        if (exponentAt < 0)
            return text.IndexOf('.') >= 0 ? text : text + ".0";
        var exponent = int.Parse(text.Substring(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text.Substring(0, exponentAt) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static double PositiveDouble(AnalyzerOptions options, SyntaxTree tree, string key, double fallback)
    {
        var raw = Raw(options, tree, key);
        return raw is not null
            && double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && value > 0
            && !double.IsInfinity(value)
            ? value
            : fallback;
    }
}
