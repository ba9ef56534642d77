using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.MisplacedClippingAnalyzer,
    NanGuard.CodeFixes.Rules.MisplacedClippingCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class MisplacedClippingTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private const string Net = """

        sealed class Net : nn.Module<Tensor, Tensor>
        {
            private readonly Linear fc = nn.Linear(4, 2);
            public Net() : base("Net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    private static string Loop(string body) => Usings + $$"""
        class C
        {
            void Train(Net model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters());
        {{body}}
            }

            static void Clip(Net model) => torch.nn.utils.clip_grad_value_(model.parameters(), 0.5);
        }
        """ + Net;

    [Fact]
    public Task Clipping_before_backward_moves_before_the_step() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        // keep the gradients small
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        var loss = F.mse_loss(model.call(x), y);
                        loss.backward();
                        optimizer.step();
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        loss.backward();
                        // keep the gradients small
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
            """));

    [Fact]
    public async Task Clipping_after_step_moves_before_it_and_says_where_it_was()
    {
        var test = Verify.Test();
        test.TestCode = Loop("""
                    foreach (var batch in new[] { x, x })
                    {
                        optimizer.zero_grad();
                        {|#2:F.mse_loss(model.call(batch), y).backward()|};
                        {|#1:optimizer.step()|};
                        {|#0:nn.utils.clip_grad_value_(model.parameters(), 0.5)|};
                    }
            """);
        test.FixedCode = Loop("""
                    foreach (var batch in new[] { x, x })
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(batch), y).backward();
                        nn.utils.clip_grad_value_(model.parameters(), 0.5);
                        optimizer.step();
                    }
            """);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(2)
            .WithSeverity(DiagnosticSeverity.Warning)
            .WithMessage("clipping after step() has no effect; move it between backward() and step()"));
        await test.RunAsync();
    }

    [Fact]
    public Task User_helper_lambda_local_function_and_embedded_step() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    Action run = () =>
                    {
                        var i = 0;
                        while (i++ < 3)
                        {
                            [|Clip(model)|];
                            F.mse_loss(model.call(x), y).backward();
                            if (i > 1) optimizer.step();
                        }
                    };
                    void Run()
                    {
                        do
                        {
                            F.mse_loss(model.call(x), y).backward();
                            optimizer.step();
                            [|TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer.parameters(), max_norm: 2.0)|];
                        } while (false);
                    }
                    run();
                    Run();
            """), Loop("""
                    Action run = () =>
                    {
                        var i = 0;
                        while (i++ < 3)
                        {
                            F.mse_loss(model.call(x), y).backward();
                            if (i > 1)
                            {
                                Clip(model);
                                optimizer.step();
                            }
                        }
                    };
                    void Run()
                    {
                        do
                        {
                            F.mse_loss(model.call(x), y).backward();
                            TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer.parameters(), max_norm: 2.0);
                            optimizer.step();
                        } while (false);
                    }
                    run();
                    Run();
            """));

    [Fact]
    public Task Using_static_only() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss, optim.Optimizer optimizer)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        loss.backward();
                        optimizer.step();
                        [|nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                    }
                }
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss, optim.Optimizer optimizer)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        loss.backward();
                        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
                }
            }
            """);

    [Fact]
    public Task Clipping_in_place_makes_an_extra_clip_harmless() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                        Clip(model);
                    }
            """));

    [Fact]
    public Task Clipping_outside_the_loop_and_no_loop_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
                    F.mse_loss(model.call(x), y).backward();
                    optimizer.step();
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            """));

    [Fact]
    public Task Two_optimizers_in_one_loop_are_left_alone() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    var other = torch.optim.SGD(model.parameters(), 0.01);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        other.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        other.step();
                    }
            """));

    [Fact]
    public Task A_kept_norm_read_after_the_step_moves_with_its_declaration() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        var norm = [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                        Console.WriteLine(norm);
                    }
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                        float late = (float)[|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        if (late > 10) Console.WriteLine(late);
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                        Console.WriteLine(norm);
                    }
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        float late = (float)torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                        if (late > 10) Console.WriteLine(late);
                    }
            """));

    [Fact]
    public Task No_fix_where_the_kept_norm_is_read_before_the_step() =>
        Verify.VerifyNoFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        var norm = [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        Console.WriteLine(norm);
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
            """));

    [Fact]
    public Task No_fix_where_the_moved_declaration_would_not_reach_the_reads_of_the_norm() =>
        Verify.VerifyNoFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        var norm = [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        F.mse_loss(model.call(x), y).backward();
                        if (i % 2 == 0)
                            optimizer.step();
                        Console.WriteLine(norm);
                    }
            """));

    [Fact]
    public Task No_fix_where_the_norm_is_assigned_to_an_existing_local() =>
        Verify.VerifyNoFixAsync(Loop("""
                    var norm = 0.0;
                    for (var i = 0; i < 10; i++)
                    {
                        norm = [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
                    Console.WriteLine(norm);
            """));

    [Fact]
    public Task No_fix_where_the_clip_reads_a_local_declared_after_the_step() =>
        Verify.VerifyNoFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                        var limit = 0.5;
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), limit)|];
                    }
            """));

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
                    public sealed class Tensor { public void backward() { } }
                    public static class optim { public class Optimizer { public void step() { } } }
                    public static class nn { public static class utils { public static double clip_grad_norm_(object p, double m) => m; } }
                }
            }
            class C
            {
                void M(TorchSharp.torch.Tensor loss, TorchSharp.torch.optim.Optimizer optimizer)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        loss.backward();
                        optimizer.step();
                        TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer, 1.0);
                    }
                }
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
