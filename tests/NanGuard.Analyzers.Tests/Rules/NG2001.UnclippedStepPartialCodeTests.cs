using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnclippedStepAnalyzer,
    NanGuard.CodeFixes.Rules.UnclippedStepCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>
/// NG2001 on code that does not fully bind: a file compiled without the one that declares the model, half-typed code.
/// A call in the loop that does not bind and may clip is taken as clipping; NG2001 never claims the clipping is missing
/// where it cannot tell.
/// </summary>
public sealed class UnclippedStepPartialCodeTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    // Net is declared in a file the compilation lacks (CS0246 at {|#9:...|}).
    private static string Loop(string clip) => Usings + $$"""
        class C
        {
            void Train({|#9:Net|} model, optim.Optimizer optimizer, Tensor x, Tensor y)
            {
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = F.mse_loss(model.call(x), y);
                    loss.backward();
                    {{clip}}
                    optimizer.step();
                }
            }
        }
        """;

    [Theory]
    [InlineData("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);")]
    [InlineData("var norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm: 1.0);")]
    [InlineData("torch.nn.utils.clip_grad_value_(model.parameters(), 0.5);")]
    [InlineData("model.clip_grad_norm_(1.0);")]
    [InlineData("Helpers.clip_grad_norm_(model, 1.0);")]
    public Task Unbound_clipping_call_on_a_missing_model_type_counts_as_clipping(string clip) =>
        Verify.VerifyAnalyzerAsync(Loop(clip), Missing(clip));

    [Fact]
    public async Task Clipping_call_whose_candidates_clip_counts_as_clipping()
    {
        // Binds to no overload (the argument is a string), but its candidates are TorchSharp's clip_grad_norm_.
        var test = Verify.Test();
        test.TestCode = Usings + """
            class C
            {
                void Train(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), "1.0");
                        optimizer.step();
                    }
                }
            }
            """;
        test.CompilerDiagnostics = CompilerDiagnostics.None;
        await test.RunAsync();
    }

    [Fact]
    public Task Helper_whose_clipping_call_does_not_bind_counts_as_clipping() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Train(optim.Optimizer optimizer, Tensor loss, {|#9:Net|} model)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        loss.backward();
                        Clip(model);
                        optimizer.step();
                    }
                }

                static void Clip({|#8:Net|} model) => torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            }
            """,
            DiagnosticResult.CompilerError("CS0246").WithLocation(9).WithArguments("Net"),
            DiagnosticResult.CompilerError("CS0246").WithLocation(8).WithArguments("Net"));

    [Theory]
    [InlineData("model.train_step(x);")]
    [InlineData("Log(model.parameters());")]
    [InlineData("")]
    public Task Half_typed_loop_with_no_clipping_call_is_still_reported(string call) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                void Train({|#9:Net|} model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        {|#1:F.mse_loss(model.call(x), y).backward()|};
                        {{call}}
                        {|#0:optimizer.step()|};
                    }
                }

                static void Log(object parameters) { }
            }
            """,
            DiagnosticResult.CompilerError("CS0246").WithLocation(9).WithArguments("Net"),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Mixed));

    private static DiagnosticResult[] Missing(string clip) =>
        clip.StartsWith("Helpers.", System.StringComparison.Ordinal)
            ? new[] { DiagnosticResult.CompilerError("CS0246").WithLocation(9).WithArguments("Net"), DiagnosticResult.CompilerError("CS0103").WithSpan(14, 13, 14, 20).WithArguments("Helpers") }
            : new[] { DiagnosticResult.CompilerError("CS0246").WithLocation(9).WithArguments("Net") };
}
