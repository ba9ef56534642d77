using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.MissingZeroGradAnalyzer,
    NanGuard.CodeFixes.Rules.MissingZeroGradCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>
/// NG2004 where backward() and step() are in methods of the user's own, or local functions, that the loop calls: a
/// GAN whose discriminator and generator steps are helpers that never clear the gradients. Reported at the step in the
/// helper, with the backward() and the loop's call as additional locations; a zero_grad() anywhere the loop reaches
/// (its body, a helper it calls) is safe.
/// </summary>
public sealed class MissingZeroGradInHelpersTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private static string Gan(string loopBody, string helpers = "") => Usings + $$"""
        sealed class Gan
        {
            private readonly Linear generator = nn.Linear(8, 4);
            private readonly Linear discriminator = nn.Linear(4, 1);
            private readonly optim.Optimizer optG;
            private readonly optim.Optimizer optD;

            public Gan()
            {
                optG = torch.optim.Adam(generator.parameters(), lr: 2e-4);
                optD = torch.optim.Adam(discriminator.parameters(), lr: 2e-4);
            }

            public void Fit(Tensor real, int steps)
            {
                for (var i = 0; i < steps; i++)
                {
        {{loopBody}}
                }
            }

            private void TrainDiscriminator(Tensor real)
            {
                var fake = generator.call(torch.randn(real.shape[0], 8)).detach();
                var loss = F.binary_cross_entropy_with_logits(discriminator.call(real), torch.ones(real.shape[0], 1))
                    + F.binary_cross_entropy_with_logits(discriminator.call(fake), torch.zeros(real.shape[0], 1));
                {|#1:loss.backward()|};
                {|#0:optD.step()|};
            }

            private void TrainGenerator(int batch)
            {
                var fake = generator.call(torch.randn(batch, 8));
                {|#3:F.binary_cross_entropy_with_logits(discriminator.call(fake), torch.ones(batch, 1)).backward()|};
                {|#2:optG.step()|};
            }
        {{helpers}}
        }
        """;

    private const string GanLoop = """
                    {|#4:TrainDiscriminator(real)|};
                    {|#5:TrainGenerator((int)real.shape[0])|};
        """;

    [Fact]
    public Task Gan_whose_helpers_never_zero_is_reported_at_each_step() =>
        Verify.VerifyAnalyzerAsync(Gan(GanLoop),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(4).WithSeverity(DiagnosticSeverity.Warning),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithLocation(5).WithSeverity(DiagnosticSeverity.Warning));

    // One fix at a time, the first clears the discriminator's gradients, and the loop then reaches a zero_grad(): the
    // generator's step is no longer reported (any zero_grad() the loop reaches counts, as in a loop body). Fix-all, which
    // fixes every finding it was given at once, clears both.
    [Fact]
    public Task Fix_clears_the_gradients_at_the_top_of_the_helper()
    {
        var source = Usings + """
            sealed class Gan
            {
                private readonly Linear generator = nn.Linear(8, 4);
                private readonly Linear discriminator = nn.Linear(4, 1);

                public void Fit(optim.Optimizer optG, optim.Optimizer optD, Tensor real)
                {
                    for (var i = 0; i < 100; i++)
                    {
                        TrainDiscriminator(optD, real);
                        TrainGenerator(optG, 16);
                    }
                }

                private void TrainDiscriminator(optim.Optimizer optD, Tensor real)
                {
                    F.binary_cross_entropy_with_logits(discriminator.call(real), torch.ones(real.shape[0], 1)).backward();
                    [|optD.step()|];
                }

                private void TrainGenerator(optim.Optimizer optG, int batch)
                {
                    var fake = generator.call(torch.randn(batch, 8));
                    F.binary_cross_entropy_with_logits(discriminator.call(fake), torch.ones(batch, 1)).backward();
                    [|optG.step()|];
                }
            }
            """;
        // The marked step's helper cleared at its top: optD's or optG's.
        static string Cleared(string code, string optimizer) => code
            .Replace($"[|{optimizer}.step()|]", $"{optimizer}.step()")
            .Replace($"(optim.Optimizer {optimizer}, Tensor real)\n    {{\n", $"(optim.Optimizer {optimizer}, Tensor real)\n    {{\n        {optimizer}.zero_grad();\n")
            .Replace($"(optim.Optimizer {optimizer}, int batch)\n    {{\n", $"(optim.Optimizer {optimizer}, int batch)\n    {{\n        {optimizer}.zero_grad();\n");
        var discriminatorFixed = Cleared(source, "optD");
        return new NanGuard.Testing.NanGuardTest<NanGuard.Analyzers.Rules.MissingZeroGradAnalyzer, NanGuard.CodeFixes.Rules.MissingZeroGradCodeFix>
        {
            TestCode = source,
            FixedCode = discriminatorFixed.Replace("[|optG.step()|]", "optG.step()"),
            BatchFixedCode = Cleared(discriminatorFixed, "optG"),
        }.RunAsync();
    }

    [Theory]
    [InlineData("optD.zero_grad();\n            optG.zero_grad();\n" + GanLoop)]
    [InlineData("ClearAll();\n" + GanLoop)]
    [InlineData(GanLoop + "            generator.zero_grad();\n")]
    public Task Zero_grad_anywhere_the_loop_reaches_is_safe(string loopBody) =>
        Verify.VerifyAnalyzerAsync(Gan(loopBody, """

                private void ClearAll() => Clear(optD, optG);

                private static void Clear(params optim.Optimizer[] optimizers)
                {
                    foreach (var optimizer in optimizers)
                        optimizer.zero_grad();
                }
            """).Replace("|}", "").Replace("{|#0:", "").Replace("{|#1:", "").Replace("{|#2:", "").Replace("{|#3:", "")
                .Replace("{|#4:", "").Replace("{|#5:", ""));

    [Fact]
    public Task Zero_grad_in_the_helper_itself_is_safe() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                        Step(model, optimizer, x, y);
                }

                static void Step(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    optimizer.zero_grad();
                    F.mse_loss(model.call(x), y).backward();
                    optimizer.step();
                }
            }
            """);

    [Theory]
    [InlineData("if ((i + 1) % 4 == 0)\n                    Apply(optimizer);", "static void Apply(optim.Optimizer optimizer) => optimizer.step();")]
    [InlineData("Apply(optimizer, i);", "static void Apply(optim.Optimizer optimizer, int i)\n    {\n        if ((i + 1) % 4 == 0)\n            optimizer.step();\n    }")]
    public Task Step_in_a_helper_under_an_accumulation_condition_is_not_reported(string call, string helper) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 16; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        {{call}}
                    }
                }

                {{helper}}
            }
            """);

    [Fact]
    public Task Backward_before_the_call_gets_no_fix_in_the_helper() =>
        Verify.VerifyNoFixAsync(Usings + """
            class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        Apply(optimizer);
                    }
                }

                static void Apply(optim.Optimizer optimizer)
                {
                    [|optimizer.step()|];
                }
            }
            """);

    [Fact]
    public Task Local_function_is_fixed_at_its_top() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class Program
            {
                static void Main(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                    for (var i = 0; i < 10; i++)
                        Step();

                    void Step()
                    {
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """, Usings + """
            class Program
            {
                static void Main(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                    for (var i = 0; i < 10; i++)
                        Step();

                    void Step()
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
                }
            }
            """);

    [Fact]
    public async Task Optimizer_handed_to_a_method_of_another_file_that_does_not_zero_is_reported()
    {
        var test = Verify.Test();
        test.TestState.Sources.Add(("/0/Program.cs", Usings + """
            static class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        Logging.Log(optimizer);
                        {|#1:loss.backward()|};
                        {|#0:optimizer.step()|};
                    }
                }
            }
            """));
        const string Logging = """
            public static class Logging
            {
                public static void Log(TorchSharp.torch.optim.Optimizer optimizer) => System.Console.WriteLine(optimizer);
            }
            """;
        test.TestState.Sources.Add(("/0/Logging.cs", Logging));
        test.TestState.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1));
        test.FixedState.Sources.Add(("/0/Program.cs", Usings + """
            static class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        Logging.Log(optimizer);
                        loss.backward();
                        optimizer.step();
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("/0/Logging.cs", Logging));
        await test.RunAsync();
    }

    [Fact]
    public Task Optimizer_handed_to_an_abstract_method_may_zero_it() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            abstract class Trainer
            {
                public void Fit(optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        BeforeBatch(optimizer);
                        loss.backward();
                        optimizer.step();
                    }
                }

                protected abstract void BeforeBatch(optim.Optimizer optimizer);
            }
            """);
}
