using NanGuard.Analyzers.Numerics;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1022: an unbiased <c>std</c> or <c>var</c> over dims the code makes size 1 (<c>x.unsqueeze(0).std(0)</c>,
/// <c>x.view(1, -1).var(0)</c>, through locals: the engine's shape facts): the spread of one value divides by n - 1 = 0
/// and is NaN for every input. No fix: which dim the code means to reduce over is not in the code.
/// </summary>
public sealed class UnbiasedSpreadOfOneAnalyzer : Rule<UnbiasedSpreadOfOneMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.UnbiasedSpreadOfOne;

    private protected override Listens Listen(Listens listens) => listens.Invocations("std", "var");

    internal override bool IsHazard => true;

    internal override IEnumerable<UnbiasedSpreadOfOneMatch> Find(IOperation anchor, Session session)
    {
        var call = new TorchCall((IInvocationOperation)anchor);
        if (!session.IsOp(call.Method, call.Method.Name) || call.Input is not { } input
            || call.Argument("unbiased") is { } unbiased && unbiased.Value.ConstantValue is not { HasValue: true, Value: true })
            yield break;
        var dimensions = call.Argument("dim") ?? call.Argument("dimensions");
        if (dimensions is null || Dims(dimensions) is not { Count: > 0 } dims)
            yield break;
        var shape = Shapes.Of(input, session);
        if (!shape.IsEmpty && dims.All(shape.HasSizeOne))
            yield return new UnbiasedSpreadOfOneMatch(call, dims);
    }

    // The constant dims reduced over (one, or an array of them); null where one is not a constant.
    private static IReadOnlyList<long>? Dims(IArgumentOperation argument)
    {
        var value = ValueFlow.SkipConversions(argument.Value);
        if (value is IArrayCreationOperation { Initializer.ElementValues: var elements })
        {
            var dims = new List<long>();
            foreach (var element in elements)
            {
                if (NumericPatterns.Constant(element) is not { } d)
                    return null;
                dims.Add((long)d);
            }
            return dims;
        }
        return NumericPatterns.Constant(value) is { } single ? new[] { (long)single } : null;
    }

    internal override object?[] MessageArguments(UnbiasedSpreadOfOneMatch match, Session session) =>
        new object?[] { match.Call.Method.Name, (match.Dims.Count == 1 ? "dim " : "dims ") + string.Join(", ", match.Dims) };
}

/// <summary>NG1022's finding: the std or var and the dims the code makes size 1.</summary>
public sealed class UnbiasedSpreadOfOneMatch : Match
{
    internal UnbiasedSpreadOfOneMatch(TorchCall call, IReadOnlyList<long> dims)
        : base(call.Invocation)
    {
        Call = call;
        Dims = dims;
    }

    internal TorchCall Call { get; }
    internal IReadOnlyList<long> Dims { get; }

    internal override string? NoFixReason => "the dim the code means to reduce over is not in the code";
}
