namespace NanGuard.Analyzers.Matching;

/// <summary>A module run through <c>forward(...)</c>, which TorchSharp runs without the module's hooks (only <c>call(...)</c> runs them).</summary>
internal static class ModuleForward
{
    /// <summary>True for <c>forward</c> of TorchSharp's <c>Module&lt;...&gt;</c>, or an override of it.</summary>
    public static bool Is(IMethodSymbol method, Session session)
    {
        var root = method;
        while (root.OverriddenMethod is { } overridden)
            root = overridden;
        return root.Name == "forward"
            && root.ContainingType is { Name: "Module" } declaring
            && Session.Is(declaring.ContainingType, session.Nn);
    }
}
