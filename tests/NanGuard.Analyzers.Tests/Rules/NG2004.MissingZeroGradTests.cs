using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.MissingZeroGradAnalyzer,
    NanGuard.CodeFixes.Rules.MissingZeroGradCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class MissingZeroGradTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
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
        }
        """ + Net;

    [Fact]
    public Task Zero_grad_before_the_loop_only_is_reported_and_fixed_at_the_top_of_the_body() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    optimizer.zero_grad();
                    for (var i = 0; i < 10; i++)
                    {
                        var loss = F.mse_loss(model.call(x), y);
                        loss.backward();
                        [|optimizer.step()|];
                    }
            """), Loop("""
                    optimizer.zero_grad();
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        loss.backward();
                        optimizer.step();
                    }
            """));

    [Fact]
    public async Task Is_a_warning()
    {
        await Verify.VerifyAnalyzerAsync(Loop("""
                    foreach (var batch in new[] { x, x })
                    {
                        {|#1:F.mse_loss(model.call(batch), y).backward()|};
                        {|#0:optimizer.step()|};
                    }
            """),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
    }

    [Fact]
    public Task Foreach_while_and_do_loops() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    foreach (var batch in new[] { x, x })
                    {
                        // forward
                        F.mse_loss(model.call(batch), y).backward();
                        [|optimizer.step()|];
                    }
                    var i = 0;
                    while (i++ < 3)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                    do
                    {
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                    while (i-- > 0);
            """), Loop("""
                    foreach (var batch in new[] { x, x })
                    {
                        optimizer.zero_grad();
                        // forward
                        F.mse_loss(model.call(batch), y).backward();
                        optimizer.step();
                    }
                    var i = 0;
                    while (i++ < 3)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
                    do
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
                    while (i-- > 0);
            """));

    [Fact]
    public Task Lambda_local_function_and_field_optimizer() =>
        Verify.VerifyCodeFixAsync(Usings + """
            sealed class Trainer
            {
                private readonly Net model = new Net();
                private optim.Optimizer Optimizer { get; } = torch.optim.SGD(new Net().parameters(), 0.01);

                public void Train(Tensor x, Tensor y)
                {
                    Action run = () =>
                    {
                        for (var i = 0; i < 3; i++)
                        {
                            F.mse_loss(model.call(x), y).backward();
                            [|this.Optimizer.step()|];
                        }
                    };
                    void Run()
                    {
                        for (var i = 0; i < 3; i++)
                        {
                            F.mse_loss(model.call(x), y).backward();
                            [|Optimizer.step()|];
                        }
                    }
                    run();
                    Run();
                }
            }
            """ + Net, Usings + """
            sealed class Trainer
            {
                private readonly Net model = new Net();
                private optim.Optimizer Optimizer { get; } = torch.optim.SGD(new Net().parameters(), 0.01);

                public void Train(Tensor x, Tensor y)
                {
                    Action run = () =>
                    {
                        for (var i = 0; i < 3; i++)
                        {
                            this.Optimizer.zero_grad();
                            F.mse_loss(model.call(x), y).backward();
                            this.Optimizer.step();
                        }
                    };
                    void Run()
                    {
                        for (var i = 0; i < 3; i++)
                        {
                            Optimizer.zero_grad();
                            F.mse_loss(model.call(x), y).backward();
                            Optimizer.step();
                        }
                    }
                    run();
                    Run();
                }
            }
            """ + Net);

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss)
                {
                    var optimizer = optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        loss.backward();
                        [|optimizer.step()|];
                    }
                }

                void Qualified(TorchSharp.torch.optim.Optimizer optimizer, TorchSharp.torch.Tensor loss)
                {
                    for (var i = 0; i < 10; i++) { loss.backward(); [|optimizer.step()|]; }
                }
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor loss)
                {
                    var optimizer = optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        loss.backward();
                        optimizer.step();
                    }
                }

                void Qualified(TorchSharp.torch.optim.Optimizer optimizer, TorchSharp.torch.Tensor loss)
                {
                    for (var i = 0; i < 10; i++) { optimizer.zero_grad(); loss.backward(); optimizer.step(); }
                }
            }
            """);

    [Fact]
    public Task Checked_loop_body_gets_the_call_inside_its_block() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Train(optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                        checked
                        {
                            loss.backward();
                            [|optimizer.step()|];
                        }
                }
            }
            """, Usings + """
            class C
            {
                void Train(optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                        checked
                        {
                            optimizer.zero_grad();
                            loss.backward();
                            optimizer.step();
                        }
                }
            }
            """);

    [Theory]
    [InlineData("optimizer.zero_grad();")]
    [InlineData("model.zero_grad();")]
    [InlineData("model.zero_grad(set_to_none: false);")]
    [InlineData("Clear(optimizer);")]
    [InlineData("foreach (var p in model.parameters()) p.grad = null;")]
    [InlineData("foreach (var p in model.parameters()) p.grad?.zero_();")]
    public Task Any_zeroing_in_the_loop_is_safe(string zero) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                void Train(Net model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                        {{zero}}
                    }
                }

                static void Clear(optim.Optimizer optimizer) => optimizer.zero_grad();
            }
            """ + Net);

    [Fact]
    public Task Optimizer_handed_to_a_method_in_another_file_may_zero_it()
    {
        var test = Verify.Test();
        test.TestState.Sources.Add(("Test0.cs", Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        Helpers.Clear(optimizer);
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
            """)));
        test.TestState.Sources.Add(("Test1.cs", """
            static class Helpers
            {
                public static void Clear(TorchSharp.torch.optim.Optimizer optimizer) => optimizer.zero_grad();
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task Optimizer_handed_to_a_method_that_does_not_zero_in_this_file_is_still_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Train(Net model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        Log(optimizer);
                        Console.WriteLine(model);
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                }

                static void Log(optim.Optimizer optimizer) { }
            }
            """ + Net);

    [Theory]
    [InlineData("if ((i + 1) % 4 == 0)\n            {\n                optimizer.step();\n                optimizer.zero_grad();\n            }")]
    [InlineData("if ((i + 1) % 4 == 0) optimizer.step();")]
    public Task Step_under_a_gradient_accumulation_condition_is_not_reported(string step) =>
        Verify.VerifyAnalyzerAsync(Loop($$"""
                    for (var i = 0; i < 16; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        {{step}}
                    }
            """));

    [Fact]
    public Task Step_outside_a_loop_and_step_with_a_closure_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    F.mse_loss(model.call(x), y).backward();
                    optimizer.step();
                    for (var i = 0; i < 3; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step(() => F.mse_loss(model.call(x), y));
                    }
            """));

    [Fact]
    public Task No_fix_where_the_optimizer_is_declared_after_the_top_of_the_body() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                void Train(Net model, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        var optimizer = torch.optim.Adam(model.parameters());
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """ + Net);

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
