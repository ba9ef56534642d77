using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.IgnoredClipNormAnalyzer,
    NanGuard.CodeFixes.Rules.IgnoredClipNormCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class IgnoredClipNormTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private static string Loop(string body) => Usings + $$"""
        class C
        {
            void Train(Linear model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters());
        {{body}}
            }
        }
        """;

    [Fact]
    public async Task Discarded_norm_before_step_is_guarded()
    {
        var test = Verify.Test();
        test.TestCode = Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        // clip
                        {|#0:torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|};
                        {|#1:optimizer.step()|}; // update
                    }
            """);
        test.FixedCode = Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        // clip
                        var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        if (double.IsNaN(norm) || double.IsInfinity(norm))
                            optimizer.zero_grad();
                        else
                            optimizer.step(); // update
                    }
            """);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info));
        await test.RunAsync();
    }

    [Fact]
    public Task Name_that_is_taken_gets_a_suffix_and_statements_between_are_kept() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Train(Linear model, optim.Optimizer optimizer, Tensor loss, double norm)
                {
                    loss.backward();
                    [|nn.utils.clip_grad_norm_(model.parameters(), max_norm: norm)|];
                    Console.WriteLine("step");
                    optimizer.step();
                    void norm1() { }
                }
            }
            """, Usings + """
            class C
            {
                void Train(Linear model, optim.Optimizer optimizer, Tensor loss, double norm)
                {
                    loss.backward();
                    var norm2 = nn.utils.clip_grad_norm_(model.parameters(), max_norm: norm);
                    Console.WriteLine("step");
                    if (double.IsNaN(norm2) || double.IsInfinity(norm2))
                        optimizer.zero_grad();
                    else
                        optimizer.step();
                    void norm1() { }
                }
            }
            """);

    [Fact]
    public Task Two_ignored_norms_in_one_block_get_distinct_names_one_at_a_time_and_in_fix_all() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    var critic = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        optimizer.step();
                        F.mse_loss(model.call(x), y).backward();
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        critic.step();
                    }
            """), Loop("""
                    var critic = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        if (double.IsNaN(norm) || double.IsInfinity(norm))
                            optimizer.zero_grad();
                        else
                            optimizer.step();
                        F.mse_loss(model.call(x), y).backward();
                        var norm1 = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        if (double.IsNaN(norm1) || double.IsInfinity(norm1))
                            critic.zero_grad();
                        else
                            critic.step();
                    }
            """));

    [Fact]
    public Task Norm_assigned_to_the_discard_is_guarded_and_counted_for_fresh_names() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        _ = [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        optimizer.step();
                        F.mse_loss(model.call(x), y).backward();
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        optimizer.step();
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        if (double.IsNaN(norm) || double.IsInfinity(norm))
                            optimizer.zero_grad();
                        else
                            optimizer.step();
                        F.mse_loss(model.call(x), y).backward();
                        var norm1 = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        if (double.IsNaN(norm1) || double.IsInfinity(norm1))
                            optimizer.zero_grad();
                        else
                            optimizer.step();
                    }
            """));

    [Fact]
    public Task A_local_named_underscore_keeps_the_norm() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Train(Linear model, optim.Optimizer optimizer)
                {
                    double _ = 0;
                    _ = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                    optimizer.step();
                    Console.WriteLine(_);
                }
            }
            """);

    [Fact]
    public Task Lambda_using_static_and_two_loops_in_one_method() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss, optim.Optimizer optimizer)
                {
                    Action run = () =>
                    {
                        loss.backward();
                        [|nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        optimizer.step();
                    };
                    for (var i = 0; i < 2; i++)
                    {
                        loss.backward();
                        [|TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer.parameters(), 1.0)|];
                        optimizer.step();
                    }
                }
            }
            """, """
            using System;
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss, optim.Optimizer optimizer)
                {
                    Action run = () =>
                    {
                        loss.backward();
                        var norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        if (double.IsNaN(norm) || double.IsInfinity(norm))
                            optimizer.zero_grad();
                        else
                            optimizer.step();
                    };
                    for (var i = 0; i < 2; i++)
                    {
                        loss.backward();
                        var norm = TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer.parameters(), 1.0);
                        if (double.IsNaN(norm) || double.IsInfinity(norm))
                            optimizer.zero_grad();
                        else
                            optimizer.step();
                    }
                }
            }
            """);

    [Fact]
    public async Task Fixed_code_compiles_as_CSharp_8_without_double_IsFinite()
    {
        var test = Verify.Test();
        test.LanguageVersion = LanguageVersion.CSharp8;
        test.TestCode = """
            using TorchSharp;
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss, optim.Optimizer optimizer)
                {
                    loss.backward();
                    [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                    optimizer.step();
                }
            }
            """;
        test.FixedCode = """
            using TorchSharp;
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss, optim.Optimizer optimizer)
                {
                    loss.backward();
                    var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                    if (double.IsNaN(norm) || double.IsInfinity(norm))
                        optimizer.zero_grad();
                    else
                        optimizer.step();
                }
            }
            """;
        await test.RunAsync();
    }

    [Theory]
    [InlineData("var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n        optimizer.step();")]
    [InlineData("if (torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0) < 1e6) optimizer.step();")]
    [InlineData("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n        if (x.isnan().any().item<bool>()) return;")]
    [InlineData("torch.nn.utils.clip_grad_value_(model.parameters(), 1.0);\n        optimizer.step();")]
    [InlineData("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n        if (x.numel() > 0) optimizer.step();")]
    [InlineData("optimizer.step();\n        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);")]
    [InlineData("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n        optimizer.step(() => x);")]
    [InlineData("_ = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n        if (x.numel() > 0) optimizer.step();")]
    [InlineData("var (_, n) = (torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0), 2);\n        optimizer.step();")]
    public Task Kept_norm_conditional_step_or_no_step_after_is_not_reported(string code) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                void Train(Linear model, optim.Optimizer optimizer, Tensor x)
                {
                    {{code}}
                }
            }
            """);

    [Fact]
    public Task No_fix_where_the_optimizer_comes_from_a_call() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                optim.Optimizer Optimizer() => throw null!;

                void Train(Linear model)
                {
                    [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                    Optimizer().step();
                }
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public static class optim { public class Optimizer { public void step() { } } }
                    public static class nn { public static class utils { public static double clip_grad_norm_(object p, double m) => m; } }
                }
            }
            class C
            {
                void M(TorchSharp.torch.optim.Optimizer optimizer)
                {
                    TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer, 1.0);
                    optimizer.step();
                }
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public async Task With_the_runtime_referenced_the_guarded_step_replaces_clip_and_step()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = NanGuard.CodeFixes.Rules.IgnoredClipNormCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)|];
                        optimizer.step();
                    }
            """);
        test.FixedCode = Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        GuardedStep.ClipAndStep(optimizer, model.parameters(), 0.5);
                    }
            """).Replace("using System;\n", "using System;\nusing NanGuard.Runtime;\n");
        await test.RunAsync();
    }
}
